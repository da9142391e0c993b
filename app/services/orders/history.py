"""A shopper's own orders: the paginated list, one order's details and its tracking timeline."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.accounts import Address
from app.models.base import utcnow
from app.models.catalog import Product, Review
from app.models.orders import ORDER_FLOW, Order, OrderItem, OrderStatus
from app.models.shops import Shop
from app.services.accounts import addresses
from app.services.catalog.visibility import visible_products
from app.services.messaging import notifications

PER_PAGE = 10
RECENT_DAYS = 90
STATUS_LABELS = {
    OrderStatus.PLACED: "Placed",
    OrderStatus.PACKED: "Packed",
    OrderStatus.SHIPPED: "Shipped",
    OrderStatus.OUT_FOR_DELIVERY: "Out for delivery",
    OrderStatus.DELIVERED: "Delivered",
    OrderStatus.CANCELLED: "Cancelled",
    OrderStatus.REFUNDED: "Refunded",
}
# Statuses that end an order off the fulfilment path.
STOPPED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


class OrderNotFound(Exception):
    def __init__(self):
        super().__init__("We could not find that order in your account.")


@dataclass(frozen=True)
class TimelineStep:
    status: OrderStatus
    label: str
    at: datetime | None
    note: str | None
    # done, current, upcoming (not reached yet) or stopped (cancelled / refunded)
    state: str


def parse_status(value):
    """An OrderStatus from a query parameter, or None for anything unknown."""
    try:
        return OrderStatus(value) if value else None
    except ValueError:
        return None


def orders_for(user_id, status=None, page=1, per_page=PER_PAGE):
    """One page of the user's orders, newest first; a page past the end shows the last page."""
    query = select(Order).where(Order.user_id == user_id)
    if status is not None:
        query = query.where(Order.status == status)
    query = query.order_by(Order.placed_at.desc(), Order.id.desc())
    page = max(1, min(page, 1_000_000))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if not result.items and page > 1 and result.pages:
        result = db.paginate(query, page=result.pages, per_page=per_page, error_out=False)
    return result


def item_counts(order_ids):
    """{order id: number of units} for a page of orders, in one query."""
    if not order_ids:
        return {}
    rows = db.session.execute(
        select(OrderItem.order_id, func.sum(OrderItem.quantity))
        .where(OrderItem.order_id.in_(order_ids)).group_by(OrderItem.order_id)
    )
    return {order_id: int(total or 0) for order_id, total in rows}


def partly_refunded(order_ids):
    """The ids among `order_ids` of orders with some units refunded that are neither refunded
    nor cancelled as a whole (their status alone would hide the refund), in one query."""
    if not order_ids:
        return set()
    return set(db.session.scalars(
        select(OrderItem.order_id).distinct().join(Order, Order.id == OrderItem.order_id)
        .where(OrderItem.order_id.in_(order_ids), OrderItem.refunded_quantity > 0,
               Order.status.not_in(STOPPED))))


def order_for(user_id, number):
    """The user's order by number with items and events; anyone else's is not found."""
    # Numbers are short printable ASCII; anything else (a NUL breaks PostgreSQL) cannot match.
    if not number or len(number) > 32 or not (number.isascii() and number.isprintable()):
        raise OrderNotFound()
    query = (select(Order).where(Order.number == number, Order.user_id == user_id)
             .options(selectinload(Order.items), selectinload(Order.status_events)))
    order = db.session.scalars(query).first()
    if order is None:
        raise OrderNotFound()
    return order


@dataclass(frozen=True)
class OrderDetails:
    order: Order
    shop: Shop | None  # None once the shop is closed, suspended or purged
    steps: list
    slugs: dict  # {product id: slug} of the order's products shoppers can still see
    reviewed: frozenset  # product ids the user has reviewed (asked only once delivered)


def order_details(user_id, number):
    """The user's order, its shop if still open, its tracking timeline, and which of its
    products can still be linked to (and have been reviewed)."""
    order = order_for(user_id, number)
    shop = db.session.get(Shop, order.shop_id) if order.shop_id else None
    if shop is not None and not shop.is_active:
        shop = None
    ids = {item.product_id for item in order.items if item.product_id}
    slugs = dict(db.session.execute(visible_products().with_only_columns(
        Product.id, Product.slug).where(Product.id.in_(ids))).all()) if ids else {}
    reviewed = frozenset(db.session.scalars(select(Review.product_id).where(
        Review.user_id == user_id, Review.product_id.in_(list(slugs))))) \
        if slugs and order.status == OrderStatus.DELIVERED else frozenset()
    return OrderDetails(order, shop, timeline(order), slugs, reviewed)


def _first_event(order, status):
    return next((e for e in order.status_events if e.status == status), None)


def timeline(order):
    """The order's tracking steps: the fulfilment path, then a cancellation or refund if any.

    Times come from the order's status timestamps, or the matching OrderStatusEvent when the
    timestamp is missing; notes come from the events.
    """
    steps = []
    stopped = order.status in STOPPED
    reached = [s for s in ORDER_FLOW if _time_of(order, s) is not None]
    last = reached[-1] if reached else None
    for status in ORDER_FLOW:
        at = _time_of(order, status)
        event = _first_event(order, status)
        if at is not None:
            state = "current" if status == last and not stopped else "done"
        elif stopped:
            continue  # a stopped order never reaches the rest of the path
        else:
            state = "upcoming"
        steps.append(TimelineStep(status, STATUS_LABELS[status], at,
                                  event.note if event else None, state))
    for status in STOPPED:
        at = _time_of(order, status)
        if at is None and order.status != status:
            continue
        event = _first_event(order, status)
        steps.append(TimelineStep(status, STATUS_LABELS[status], at,
                                  event.note if event else None, "stopped"))
    return steps


def _time_of(order, status):
    at = order.status_time(status)
    if at is None:
        event = _first_event(order, status)
        at = event.created_at if event else None
    return at


@dataclass(frozen=True)
class ProfileSummary:
    recent_orders: int
    orders_in_progress: int
    default_address: Address | None
    unread_notifications: int


def profile_summary(user_id, now=None):
    """What the account page sums up: recent and open orders, default address, unread count."""
    since = (now or utcnow()) - timedelta(days=RECENT_DAYS)
    open_statuses = [s for s in ORDER_FLOW if s != OrderStatus.DELIVERED]
    recent, in_progress = db.session.execute(
        select(func.coalesce(func.sum(case((Order.placed_at >= since, 1), else_=0)), 0),
               func.coalesce(func.sum(case((Order.status.in_(open_statuses), 1), else_=0)), 0))
        .where(Order.user_id == user_id)
    ).one()
    return ProfileSummary(int(recent), int(in_progress), addresses.default_address(user_id),
                          notifications.unread_count(user_id))
