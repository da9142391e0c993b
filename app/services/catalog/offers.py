"""Shop events as shoppers see them: a product's live event, a shop's events, the offers page."""
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Event, EventProduct, Product
from app.models.shops import Shop, ShopStatus
from app.services.catalog.pricing import apply_percent_off
from app.services.catalog.visibility import visible_products
from app.services.shops.directory import paginate, shops_selling_in

OFFERS_PER_PAGE = 10
PRODUCTS_PER_EVENT = 4
# The few shown are the best sellers among this many of the event's newest products.
POOL_PER_EVENT = 50


def live_event_id(product_id, shop_id, now):
    """A correlated scalar subquery: the id of the live event of the product's own shop with
    the largest discount (soonest ending first), or NULL. For embedding in the statement that
    reads the product, so its page asks for the price-setting event in the same query."""
    return (select(Event.id)
            .join(EventProduct, EventProduct.event_id == Event.id)
            .where(EventProduct.product_id == product_id, Event.shop_id == shop_id,
                   Event.starts_at <= now, Event.ends_at > now)
            .order_by(Event.discount_percent.desc(), Event.ends_at, Event.id)
            .limit(1)
            .scalar_subquery())


def _open_events(now):
    """Events not yet over, of shops shoppers can see."""
    return (
        select(Event)
        .join(Shop, Shop.id == Event.shop_id)
        .where(Event.ends_at > now, Shop.status == ShopStatus.ACTIVE, Shop.deleted_at.is_(None))
    )


def _live_then_upcoming(now):
    """Live events ending soonest first, then upcoming ones starting soonest."""
    upcoming = Event.starts_at > now
    return upcoming, case((upcoming, Event.starts_at), else_=Event.ends_at), Event.id


def shop_events(shop_id, now=None, limit=6):
    """A shop's live events first (ending soonest), then its upcoming ones."""
    now = now or utcnow()
    query = (_open_events(now).where(Event.shop_id == shop_id)
             .order_by(*_live_then_upcoming(now)).limit(limit))
    return db.session.scalars(query).all()


@dataclass
class OfferItem:
    product: Product
    offer_cents: int


@dataclass
class OfferFilters:
    category_id: int | None = None
    min_discount: int | None = None


def offers_page(filters, page, now=None):
    """Live events (ending soonest first), then upcoming ones, 10 a page, with a few products."""
    now = now or utcnow()
    query = _open_events(now).options(joinedload(Event.shop))
    if filters.category_id is not None:
        query = query.where(Event.shop_id.in_(shops_selling_in(filters.category_id)))
    if filters.min_discount:
        query = query.where(Event.discount_percent >= filters.min_discount)
    query = query.order_by(*_live_then_upcoming(now))
    pagination = paginate(query, page, OFFERS_PER_PAGE)
    products = products_of_events([e.id for e in pagination.items])
    return pagination, products


def products_of_events(event_ids, per_event=PRODUCTS_PER_EVENT):
    """{event_id: [OfferItem]}: a few visible products per event, best sellers first, with the
    price they have while the event is live; one query (plus their images)."""
    if not event_ids:
        return {}
    # First a bounded pool of each event's links (a window keeps it from being flattened, so
    # the database starts from these rows rather than from every active product).
    link_rank = func.row_number().over(partition_by=EventProduct.event_id,
                                       order_by=EventProduct.product_id.desc())
    links = (select(EventProduct.event_id, EventProduct.product_id,
                    Event.discount_percent.label("percent"), link_rank.label("n"))
             .join(Event, Event.id == EventProduct.event_id)
             .where(EventProduct.event_id.in_(event_ids)).subquery())
    pool = select(links).where(links.c.n <= POOL_PER_EVENT).subquery()
    rank = func.row_number().over(partition_by=pool.c.event_id,
                                  order_by=(Product.sold_count.desc(), Product.id.desc()))
    ranked = (visible_products().join(pool, pool.c.product_id == Product.id)
              .add_columns(pool.c.event_id, pool.c.percent, rank.label("rank")).subquery())
    product = aliased(Product, ranked)
    query = (select(product, ranked.c.event_id, ranked.c.percent)
             .where(ranked.c.rank <= per_event)
             .order_by(ranked.c.event_id, ranked.c.rank)
             .options(selectinload(product.images)))
    grouped = {event_id: [] for event_id in event_ids}
    for item, event_id, percent in db.session.execute(query):
        grouped[event_id].append(OfferItem(item, apply_percent_off(item.price_cents, percent)))
    return grouped
