"""Storefront: the product page and product reviews."""
import json
from dataclasses import replace

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from app.models.analytics import AnalyticsKind
from app.services.catalog import product_page, reviews
from app.templating import absolute_url
from blueprints.storefront import bp, guest_pages
from blueprints.storefront.card_fragments import cards_html
from blueprints.web.forms import page_arg, strip
from blueprints.web.tracking import track

RATING_CHOICES = [SelectChoice(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _one_to_five(form, field):
    if field.data not in range(1, 6):
        raise ValidationError("Choose a rating from 1 to 5 stars.")


class ReviewForm(FlaskForm):
    rating = RadioField("Your rating", choices=RATING_CHOICES, coerce=_int_or_none,
                        validate_choice=False, validators=[_one_to_five])
    title = StringField("Title", filters=[strip], validators=[
        Optional(), Length(max=reviews.TITLE_MAX, message="Use at most 200 characters.")])
    body = TextAreaField("Your review", filters=[strip], validators=[
        Optional(), Length(max=reviews.BODY_MAX, message="Use at most 5,000 characters.")],
        description="Plain text. What did you like, what could be better?")


def int_choice(value, allowed):
    """`value` as one of the `allowed` small integers, else None (junk is ignored, not fatal)."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 4 and int(value) in allowed:
        return int(value)
    return None


def json_ld(data):
    """JSON for a <script type="application/ld+json">, unable to close the element early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)


def product_structured_data(page, canonical, images):
    product = page.product
    price = page.offer_cents if page.offer_cents is not None else page.price_cents
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": product.title,
        "image": images, "description": page.excerpt or product.title,
        "sku": product.variants[0].sku if product.variants else str(product.id),
        "brand": {"@type": "Brand", "name": product.brand or product.shop.name},
        "offers": {
            "@type": "Offer", "url": canonical, "priceCurrency": product.currency,
            "price": f"{price // 100}.{price % 100:02d}",
            "availability": "https://schema.org/" + (
                "OutOfStock" if page.stock_state == "out" else "InStock"),
            "seller": {"@type": "Organization", "name": product.shop.name},
        },
    }
    if page.reviews.total:
        average = sum(s * n for s, n, _ in page.breakdown) / page.reviews.total
        data["aggregateRating"] = {"@type": "AggregateRating",
                                   "ratingValue": f"{average:.1f}",
                                   "reviewCount": page.reviews.total}
    return json_ld(data)


def _load(slug):
    try:
        return product_page.product_page(slug, reviews_page=page_arg())
    except product_page.ProductNotFound:
        abort(404)


NEIGHBOUR_COLUMNS = "col-6 col-md-4 col-lg-3"


def _render(page, review_form=None):
    """The product page: for guests, reused while what it shows is the same (guest_pages)."""
    if current_user.is_authenticated:
        viewer = reviews.product_viewer(current_user.id, page.product)
        review_form, key = review_form or ReviewForm(formdata=None), None
    else:  # a guest follows nothing and reviews nothing: no need to ask, nor a form
        viewer, key = reviews.ViewerState(), _content_key(page)
    # The neighbours' cards are read fresh and rendered apart (card_fragments), then put in.
    slots = {guest_pages.slot("related"): cards_html(page.related, NEIGHBOUR_COLUMNS),
             guest_pages.slot("also-bought"): cards_html(page.also_bought, NEIGHBOUR_COLUMNS)}
    return guest_pages.page(key, lambda: _page_html(page, viewer, review_form), slots)


def _page_html(page, viewer, review_form):
    product_url = url_for("storefront.product", slug=page.product.slug)
    canonical = absolute_url(product_url)
    images = [absolute_url(image.url) for image in page.product.images]
    return render_template(
        "storefront/product.html", page=page, product=page.product, viewer=viewer,
        review_form=review_form, product_url=product_url,
        shop_url=url_for("storefront.shop", slug=page.product.shop.slug), canonical=canonical,
        og_image=images[0] if images else None,
        structured_data=product_structured_data(page, canonical, images),
        related_html=Markup(guest_pages.slot("related")),
        also_bought_html=Markup(guest_pages.slot("also-bought")),
    )


def _content_key(page):
    """Everything a guest's product page shows, read fresh on this request (the product with
    its variants, stock, event and review counts, the page of reviews) but the neighbours'
    cards, which are slots: any change is a new key, never a stale page.

    The rows the product was read from hold all the page derives from it (prices, options,
    the description); a product built without them is keyed by all its fields instead.
    """
    if page.product.rows:
        shown = repr(page.product.rows)
    else:
        shown = repr(replace(page, reviews=None, related=None, also_bought=None))
    return "product", shown, _reviews_key(page.reviews), bool(page.related), \
        bool(page.also_bought)


def _reviews_key(page):
    shown = tuple((r.id, r.rating, r.title, r.body, r.created_at, r.is_verified_purchase,
                   r.user.name if r.user else None) for r in page.items)
    return shown, page.page, page.pages, page.total


@bp.get("/product/<slug>")
def product(slug):
    page = _load(slug)
    product_id, shop_id = page.product.id, page.product.shop_id
    html = _render(page)
    # After rendering: recording commits, which would expire the page's loaded objects.
    track(AnalyticsKind.PRODUCT_VIEW, product_id=product_id, shop_id=shop_id)
    return html


@bp.post("/product/<slug>/reviews")
def product_review(slug):
    back = url_for("storefront.product", slug=slug)
    if not current_user.is_authenticated:
        flash("Log in to write a review.", "info")
        return redirect(url_for("auth.login", next=back))
    try:
        product = product_page.get_visible_product(slug)
    except product_page.ProductNotFound:
        abort(404)
    form = ReviewForm()
    status = 422
    if form.validate_on_submit():
        try:
            reviews.review_product(current_user.id, product, form.rating.data,
                                   form.title.data, form.body.data)
        except reviews.ReviewError as error:
            form.form_errors.append(str(error))
            status = review_error_status(error)
        else:
            flash("Thank you! Your review is published.", "success")
            return redirect(back + "#reviews")
    return _render(_load(slug), review_form=form), status


def review_error_status(error):
    if isinstance(error, reviews.NotAVerifiedBuyer):
        return 403
    return 409 if isinstance(error, reviews.AlreadyReviewed) else 422
