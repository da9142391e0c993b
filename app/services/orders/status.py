"""Order status changes by sellers, admins and shoppers: who may, which step, what it leaves."""
import logging
import unicodedata
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from app.extensions import db, jobs
from app.models.accounts import Role, User
from app.models.base import utcnow
from app.models.orders import Order, OrderStatus, OrderStatusEvent, Payment
from app.services.messaging import notifications
from app.services.orders.history import STATUS_LABELS, OrderNotFound

log = logging.getLogger(__name__)

PER_PAGE = 20
MAX_NOTE = 500
MAX_TRACKING = 64
STOPPED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


class OrderActionError(Exception):
    """An order action that was refused; the message is meant for the person."""


class InvalidTransition(OrderActionError):
    pass


class NotAllowed(OrderActionError):
    pass


class NotYourShop(OrderNotFound):
    """Another shop's order: reported exactly like a missing one (views answer 404)."""


@dataclass(frozen=True)
class Actor:
    """Who acts, in which capacity: a buyer (shopper), a shop's seller or an admin."""

    user_id: int
    role: Role
    shop_id: int | None = None

    @property
    def who(self):
        return {Role.ADMIN: "the marketplace team", Role.SELLER: "the seller"}.get(
            self.role, "the buyer")


def valid_number(number):
    """Order numbers are short printable ASCII; anything else (a NUL breaks PostgreSQL) is not."""
    return bool(number) and len(number) <= 32 and number.isascii() and number.isprintable()


def find_order(actor, number, lock=False):
    """The order `actor` may act on, items and events loaded; locked against other writers
    until the caller's transaction ends when `lock`."""
    if not valid_number(number):
        raise OrderNotFound()
    query = (select(Order).where(Order.number == number)
             .options(selectinload(Order.items), selectinload(Order.status_events)))
    if lock:
        _take_write_lock(number)
        query = query.with_for_update(of=Order)
    order = db.session.scalars(query).first()
    if order is None:
        raise OrderNotFound()
    if actor.role == Role.SELLER and (actor.shop_id is None or order.shop_id != actor.shop_id):
        raise NotYourShop()
    if actor.role not in (Role.SELLER, Role.ADMIN) and order.user_id != actor.user_id:
        raise OrderNotFound()
    return order


def _take_write_lock(number):
    """SQLite has no FOR UPDATE: a no-op write first makes this transaction the one writer,
    so what it reads next is current until it commits (PostgreSQL locks the row instead)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Order).where(Order.number == number)
                           .values(number=Order.number)
                           .execution_options(synchronize_session=False))


def refunded_value(order, refunded=None):
    """Cents of `order` paid back once `refunded` ({item id: units}, default: as stored).

    Units pay back their share of what the buyer paid for goods (unit price x units, scaled
    by the order's discount and tax); once nothing is left unrefunded the whole total is
    paid back, shipping included, so an order's refunds always add up to exactly its total.
    The same formula every time: each refund is value(after) - value(before).
    """
    if refunded is None:
        refunded = {item.id: item.refunded_quantity for item in order.items}
    if all(refunded.get(item.id, 0) >= item.quantity for item in order.items):
        return order.total_cents
    goods = max(0, order.total_cents - order.shipping_cents)
    base = sum(item.unit_price_cents * item.quantity for item in order.items)
    value = sum(item.unit_price_cents * refunded.get(item.id, 0) for item in order.items)
    return min(goods, value * goods // base) if base > 0 else 0


def refund_seq(order, refunded=None):
    """The number of the order's next refund in its idempotency key: 1 + units refunded so far.

    It grows with every refund (each refunds at least one unit) and stays the same until one
    is committed, so a retried or doubled submission of a refund carries the same key.
    """
    if refunded is None:
        refunded = {item.id: item.refunded_quantity for item in order.items}
    return sum(refunded.values()) + 1


def sentences(*parts):
    """Join the non-empty parts as sentences: sentences("Cancelled", "Too late") ->
    "Cancelled. Too late." """
    parts = [p.strip() for p in parts if p and p.strip()]
    return " ".join(p if p[-1] in ".!?" else p + "." for p in parts) or None


def clean_text(value, limit, what):
    """A short single-line text from a form: stripped, refused with control characters."""
    value = (value or "").strip()
    if len(value) > limit:
        raise OrderActionError(f"Keep the {what} under {limit} characters.")
    if any(unicodedata.category(c) in {"Cc", "Cf"} for c in value):
        raise OrderActionError(f"Remove the invisible or control characters from the {what}.")
    return value or None


def move(order, status, actor, note, now, **values):
    """Change `order` to `status` if nobody changed it meanwhile, with its timeline event and
    the buyer's notification, in the caller's transaction. Returns the event."""
    values = {"status": status, f"{status.value}_at": now, **values}
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status == order.status).values(values))
    if result.rowcount != 1:
        raise InvalidTransition("This order changed while you were looking at it. "
                                "Reload the page and try again.")
    event = OrderStatusEvent(order_id=order.id, status=status, note=note,
                             actor_user_id=actor.user_id, created_at=now)
    db.session.add(event)
    if order.user_id:
        notifications.add_notification(
            order.user_id, f"Order {order.number}: {STATUS_LABELS[status].lower()}",
            message=note, link=f"/account/orders/{order.number}", creator_id=actor.user_id)
    db.session.flush()
    return event


def after_commit(job, *args):
    """Queue an email job once the change is committed; a queue failure must not undo it."""
    try:
        jobs.enqueue(job, *args, queue="emails")
    except Exception:
        log.exception("could not queue %s%r", job, args)


def advance(actor, number, to_status, tracking_number=None, note=None, now=None):
    """Move an order one step along placed -> ... -> delivered (sellers of its shop, admins).

    `to_status` is the step the person saw offered, so a repeated click cannot skip a step.
    """
    if actor.role not in (Role.SELLER, Role.ADMIN):
        raise NotAllowed("Only the shop or the marketplace team can update an order.")
    try:
        order = find_order(actor, number, lock=True)
        target = order.next_status
        if target is None:
            raise InvalidTransition(f"This order is {STATUS_LABELS[order.status].lower()}: "
                                    "there is no next step.")
        if str(to_status or "") != target.value:
            raise InvalidTransition(f"This order is already "
                                    f"{STATUS_LABELS[order.status].lower()}. "
                                    "Reload the page to see its next step.")
        note = clean_text(note, MAX_NOTE, "note")
        extra = {}
        if target == OrderStatus.SHIPPED:
            tracking = clean_text(tracking_number, MAX_TRACKING, "tracking number")
            if tracking:
                extra["tracking_number"] = tracking
                note = sentences(f"Tracking number {tracking}", note)
        event = move(order, target, actor, note, now or utcnow(), **extra)
        db.session.commit()
    except Exception:
        db.session.rollback()  # also lets go of the row lock at once
        raise
    after_commit("workers.orders.email_status_change", event.id)
    return order


def _page(query, page, per_page):
    page = max(1, min(page or 1, 1_000_000))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if not result.items and page > 1 and result.pages:
        result = db.paginate(query, page=result.pages, per_page=per_page, error_out=False)
    return result


def orders_page(shop_id=None, status=None, search=None, page=1, per_page=PER_PAGE):
    """A page of orders, newest first: one shop's (sellers) or everyone's (admins, shop_id None).

    `search` matches the order number or the recipient's name.
    """
    query = select(Order)
    if shop_id is not None:
        query = query.where(Order.shop_id == shop_id)
    if status is not None:
        query = query.where(Order.status == status)
    search = (search or "").strip()[:64]
    if search and search.isprintable():
        pattern = "%" + search.replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(or_(Order.number.ilike(pattern), Order.ship_name.ilike(pattern)))
    return _page(query.order_by(Order.placed_at.desc(), Order.id.desc()), page, per_page)


def status_email(event_id):
    """(to, subject, template, context) of the email telling the buyer about one status
    change, or None when there is nobody to tell (the account or the event is gone)."""
    event = db.session.get(OrderStatusEvent, event_id)
    order = event.order if event is not None else None
    buyer = db.session.get(User, order.user_id) if order is not None and order.user_id else None
    if buyer is None:
        return None
    label = STATUS_LABELS[event.status]
    context = {"name": buyer.name, "number": order.number, "shop_name": order.shop_name,
               "status": event.status.value, "label": label, "note": event.note or "",
               "tracking_number": order.tracking_number or "",
               "order_path": f"/account/orders/{order.number}"}
    return buyer.email, f"Order {order.number}: {label.lower()}", "order_status", context


@dataclass(frozen=True)
class DeskView:
    """What the seller's and the admin's order page show besides the order itself."""

    order: Order
    payment: Payment | None
    refunded_cents: int
    actor_names: dict  # {user id: name} of the people on the timeline
    refund_seq: int  # the refund form sends it back, so a second click is refused


def desk_view(order):
    ids = {e.actor_user_id for e in order.status_events if e.actor_user_id}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) \
        if ids else {}
    payment = db.session.get(Payment, order.payment_id) if order.payment_id else None
    refunded = refunded_value(order) if any(i.refunded_quantity for i in order.items) else 0
    return DeskView(order, payment, refunded, names, refund_seq(order))
