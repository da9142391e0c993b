"""The listing's SQL: visible products narrowed by the filters, in the chosen order."""
from sqlalchemy import and_, case, or_, select

from app.models.base import utcnow
from app.models.catalog import Event, EventProduct, Product, ProductVariant
from app.services.catalog import visible_products
from app.services.search import apply_search


def effective_price():
    """What a buyer pays before variant overrides (Product.price_cents, in SQL).

    Written exactly as the ix_products_listing_price expression of migration 0003:
    an index on an expression serves only a query spelling the same expression.
    """
    return case(
        (and_(Product.sale_price_cents.is_not(None),
              Product.sale_price_cents < Product.regular_price_cents),
         Product.sale_price_cents),
        else_=Product.regular_price_cents,
    )


def is_on_sale():
    return and_(Product.sale_price_cents.is_not(None),
                Product.sale_price_cents < Product.regular_price_cents)


def in_live_event(now):
    return (
        select(EventProduct.product_id)
        .join(Event, Event.id == EventProduct.event_id)
        .where(EventProduct.product_id == Product.id, Event.shop_id == Product.shop_id,
               Event.starts_at <= now, Event.ends_at > now)
        .exists()
    )


def variant_conditions(filters):
    """What one variant must be: the chosen colour and size, in stock if asked, all at once."""
    conditions = []
    if filters.colors:
        conditions.append(ProductVariant.color.in_(filters.colors))
    if filters.sizes:
        conditions.append(ProductVariant.size.in_(filters.sizes))
    if filters.in_stock:
        conditions.append(ProductVariant.stock > 0)
    return conditions


def filtered(filters, now=None):
    """(select of Product, relevance ORDER BY or None) for every filter of `filters`."""
    stmt, relevance = visible_products(), None
    if filters.search:
        stmt, relevance = apply_search(stmt, filters.search)
    if filters.category_id is not None:
        stmt = stmt.where(Product.category_id == filters.category_id)
    if filters.subcategory_id is not None:
        stmt = stmt.where(Product.subcategory_id == filters.subcategory_id)
    price = effective_price()
    if filters.min_price is not None:
        stmt = stmt.where(price >= filters.min_price)
    if filters.max_price is not None:
        stmt = stmt.where(price <= filters.max_price)
    if filters.brands:
        stmt = stmt.where(Product.brand.in_(filters.brands))
    if filters.rating:
        stmt = stmt.where(Product.rating_avg >= filters.rating)
    conditions = variant_conditions(filters)
    if conditions:
        stmt = stmt.where(
            select(ProductVariant.id)
            .where(ProductVariant.product_id == Product.id, *conditions)
            .exists()
        )
    if filters.on_offer:
        stmt = stmt.where(or_(is_on_sale(), in_live_event(now or utcnow())))
    return stmt, relevance


def ordered(stmt, filters, relevance):
    """Every order ends on the id, so pages never overlap or skip a product."""
    price = effective_price()
    orders = {
        "newest": (Product.created_at.desc(), Product.id.desc()),
        "price_asc": (price.asc(), Product.id.asc()),
        "price_desc": (price.desc(), Product.id.desc()),
        "rating": (Product.rating_avg.desc(), Product.rating_count.desc(), Product.id.desc()),
        "popular": (Product.sold_count.desc(), Product.id.desc()),
    }
    if filters.sort == "relevance" and relevance is not None:
        return stmt.order_by(*relevance)
    return stmt.order_by(*orders.get(filters.sort, orders["newest"]))
