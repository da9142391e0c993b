"""Storefront: the product page and product reviews."""
import json

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


def _load(slug, reviews_page=1):
    try:
        return product_page.product_page(slug, reviews_page=reviews_page)
    except product_page.ProductNotFound:
        abort(404)


def _render(page, review_form=None):
    """(the product page for this visitor, the ids its visit is recorded against)."""
    if current_user.is_authenticated:
        viewer = reviews.product_viewer(current_user.id, page.product)
        review_form = review_form or ReviewForm(formdata=None)
    else:  # a guest follows nothing and reviews nothing: no need to ask, nor a form
        viewer = reviews.ViewerState()
    product_url = url_for("storefront.product", slug=page.product.slug)
    canonical = absolute_url(product_url)
    images = [absolute_url(image.url) for image in page.product.images]
    html = render_template(
        "storefront/product.html", page=page, product=page.product, viewer=viewer,
        review_form=review_form, product_url=product_url,
        shop_url=url_for("storefront.shop", slug=page.product.shop.slug), canonical=canonical,
        og_image=images[0] if images else None,
        structured_data=product_structured_data(page, canonical, images),
    )
    return html, (page.product.id, page.product.shop_id)


@bp.get("/product/<slug>")
def product(slug):
    reviews_page = page_arg()
    html, (product_id, shop_id) = guest_pages.page(
        ("product", slug, reviews_page), lambda: _render(_load(slug, reviews_page)))
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
    return _render(_load(slug, page_arg()), review_form=form)[0], status


def review_error_status(error):
    if isinstance(error, reviews.NotAVerifiedBuyer):
        return 403
    return 409 if isinstance(error, reviews.AlreadyReviewed) else 422
