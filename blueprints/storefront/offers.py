"""Storefront: the offers page, live and upcoming shop events."""
from flask import render_template, request

from app.models.base import utcnow
from app.services.catalog import offers
from app.services.shops import directory
from blueprints.storefront import bp
from blueprints.storefront.product import int_choice, page_arg

DISCOUNT_FILTERS = (10, 20, 30, 50)


@bp.get("/offers", endpoint="offers")
def offers_list():
    category = directory.category_by_slug(request.args.get("category", "").strip())
    min_discount = int_choice(request.args.get("discount"), DISCOUNT_FILTERS)
    filters = offers.OfferFilters(category_id=category.id if category else None,
                                  min_discount=min_discount)
    now = utcnow()
    events, products = offers.offers_page(filters, page_arg(), now=now)
    query = {"category": category.slug if category else None, "discount": min_discount}
    return render_template(
        "storefront/offers.html", events=events, products=products, now=now,
        category=category, categories=directory.category_choices(),
        min_discount=min_discount, discount_filters=DISCOUNT_FILTERS,
        query={k: v for k, v in query.items() if v},
    )
