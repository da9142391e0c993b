"""What one unit of a product variant costs right now: the one price rule for every page."""
from sqlalchemy import func, select

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Event, EventProduct, Product


def base_price_cents(product, variant=None):
    """Before events: the variant's override, else the sale price if below regular, else regular."""
    if variant is not None and variant.price_cents is not None:
        return variant.price_cents
    return product.price_cents


def regular_price_cents(product, variant=None):
    """The "was" price to strike through when the unit price is lower (no sale, no event)."""
    if variant is not None and variant.price_cents is not None:
        return variant.price_cents
    return product.regular_price_cents


def apply_percent_off(cents, percent):
    """`cents` less `percent` %, rounded half up to a whole cent; never below zero."""
    percent = max(0, min(100, int(percent or 0)))
    return max(0, (cents * (100 - percent) + 50) // 100)


def live_event_percents(product_ids, now=None):
    """{product_id: best live event discount_percent} for the given products, in one query.

    Only events of the product's own shop count, so an event cannot discount another shop's goods.
    """
    ids = {int(i) for i in product_ids if i is not None}
    if not ids:
        return {}
    now = now or utcnow()
    query = (
        select(EventProduct.product_id, func.max(Event.discount_percent))
        .join(Event, Event.id == EventProduct.event_id)
        .join(Product, Product.id == EventProduct.product_id)
        .where(EventProduct.product_id.in_(ids), Event.shop_id == Product.shop_id,
               Event.starts_at <= now, Event.ends_at > now)
        .group_by(EventProduct.product_id)
    )
    return {product_id: percent for product_id, percent in db.session.execute(query)}


def unit_price_cents(product, variant=None, now=None, *, event_percent=None):
    """The price a buyer pays for one unit of `variant` (or of `product` with no variant chosen).

    Pass `event_percent` (from `live_event_percents`) when pricing many products, so the live
    event look-up is one query for the page instead of one per product; without it this
    function asks the database for `product`'s live event itself.
    """
    if event_percent is None:
        event_percent = live_event_percents([product.id], now).get(product.id, 0)
    return apply_percent_off(base_price_cents(product, variant), event_percent)
