"""Storefront: the shops directory, a shop's page, following shops and reviewing them."""
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.models.analytics import AnalyticsKind
from app.models.base import utcnow
from app.services.catalog import offers as offer_service
from app.services.catalog import reviews
from app.services.shops import directory, follows
from blueprints.storefront import bp
from blueprints.storefront.product import (
    ReviewForm,
    int_choice,
    page_arg,
    review_error_status,
)
from blueprints.web.countries import COUNTRIES
from blueprints.web.navigation import safe_next
from blueprints.web.tracking import track

RATING_FILTERS = (4, 3, 2)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _shop_filters():
    args = request.args
    category = directory.category_by_slug(args.get("category", "").strip())
    country = args.get("country", "").strip().upper()
    sort = args.get("sort", "rating")
    return directory.ShopFilters(
        category_id=category.id if category else None,
        country=country if _COUNTRY.match(country) else None,
        min_rating=int_choice(args.get("rating"), RATING_FILTERS),
        sort=sort if sort in directory.SHOP_SORTS else "rating",
    ), category


@bp.get("/shops")
def shops():
    filters, category = _shop_filters()
    result = directory.list_shops(filters, page_arg())
    query = {"category": category.slug if category else None, "country": filters.country,
             "rating": filters.min_rating, "sort": filters.sort}
    return render_template(
        "storefront/shops.html", shops=result, filters=filters, category=category,
        categories=directory.category_choices(), country_names=COUNTRIES,
        countries=sorted(directory.shop_countries(), key=lambda c: COUNTRIES.get(c, c)),
        rating_filters=RATING_FILTERS, query={k: v for k, v in query.items() if v},
    )


def _visible_shop(slug):
    try:
        return directory.get_visible_shop(slug)
    except directory.ShopNotFound:
        abort(404)


def _render_shop(shop, review_form=None):
    sort = request.args.get("sort", "newest")
    sort = sort if sort in directory.PRODUCT_SORTS else "newest"
    user_id = current_user.id if current_user.is_authenticated else None
    now = utcnow()
    return render_template(
        "storefront/shop.html", shop=shop, sort=sort, now=now,
        products=directory.shop_products(shop.id, sort, page_arg()),
        events=offer_service.shop_events(shop.id, now),
        shop_reviews=directory.shop_reviews(shop.id),
        viewer=reviews.shop_viewer(user_id, shop),
        review_form=review_form or ReviewForm(formdata=None),
        product_sorts=directory.PRODUCT_SORTS,
    )


@bp.get("/shop/<slug>")
def shop(slug):
    found = _visible_shop(slug)
    shop_id = found.id
    html = _render_shop(found)
    # After rendering: recording commits, which would expire the loaded shop.
    track(AnalyticsKind.SHOP_VISIT, shop_id=shop_id)
    return html


@bp.post("/shop/<slug>/reviews")
def shop_review(slug):
    back = url_for("storefront.shop", slug=slug)
    if not current_user.is_authenticated:
        flash("Log in to write a review.", "info")
        return redirect(url_for("auth.login", next=back))
    found = _visible_shop(slug)
    form = ReviewForm()
    status = 422
    if form.validate_on_submit():
        try:
            reviews.review_shop(current_user.id, found, form.rating.data, form.title.data,
                                form.body.data)
        except reviews.ReviewError as error:
            form.form_errors.append(str(error))
            status = review_error_status(error)
        else:
            flash("Thank you! Your review of the shop is published.", "success")
            return redirect(back + "#shop-reviews")
    return _render_shop(_visible_shop(slug), review_form=form), status


def _follow_change(slug, change, done_message):
    back = safe_next(request.form.get("next")) or url_for("storefront.shop", slug=slug)
    htmx = request.headers.get("HX-Request") == "true"
    if not current_user.is_authenticated:
        login = url_for("auth.login", next=back)
        if htmx:  # htmx would swap the login page into the button; send the browser instead
            return "", 204, {"HX-Redirect": login}
        flash("Log in to follow shops.", "info")
        return redirect(login)
    try:
        shop = change(current_user.id, slug)
    except directory.ShopNotFound:
        abort(404)
    except follows.FollowError as error:
        if htmx:
            return str(error), 409
        flash(str(error), "warning")
        return redirect(back)
    if htmx:
        return render_template("storefront/_follow_button.html", shop=shop,
                               following=change is follows.follow, next_url=back)
    flash(done_message.format(name=shop.name), "success")
    return redirect(back)


@bp.post("/shop/<slug>/follow")
def shop_follow(slug):
    return _follow_change(slug, follows.follow, "You now follow {name}.")


@bp.post("/shop/<slug>/unfollow")
def shop_unfollow(slug):
    return _follow_change(slug, follows.unfollow, "You no longer follow {name}.")
