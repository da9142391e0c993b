"""After a paid checkout: confirmation, seller, low-stock and refund emails; purchase events."""
# Each is sent at most once (see fulfilment_effects).
import logging
from contextlib import contextmanager

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.mail import send_email, send_emails
from app.models.accounts import User
from app.models.analytics import AnalyticsKind, ShopCounter
from app.models.catalog import Product
from app.models.orders import CheckoutSession, Order, Payment
from app.services.analytics import events as analytics_events
from app.services.orders.fulfilment.notices import shop_facts
from app.services.payments.webhooks import events as webhook_events

log = logging.getLogger(__name__)


def _buyer_email(payment):
    return _buyer_emails([payment]).get(payment.id)


def _buyer_emails(payments):
    """{payment id: the buyer's email} from the checkout snapshots, else the accounts."""
    by_session = {p.provider_session_id: p for p in payments}
    emails = {}
    for session_id, snapshot in db.session.execute(select(
            CheckoutSession.provider_session_id, CheckoutSession.snapshot).where(
            CheckoutSession.provider_session_id.in_(sorted(by_session)))):
        email = snapshot.get("email") if isinstance(snapshot, dict) else None
        if email:
            emails[by_session[session_id].id] = email
    missing = {p.user_id: p.id for p in payments if p.id not in emails and p.user_id}
    if missing:
        for user_id, email in db.session.execute(select(User.id, User.email).where(
                User.id.in_(sorted(missing)))):
            emails[missing[user_id]] = email
    return emails


def order_context(order):
    """An order as plain values for an email template."""
    return {
        "number": order.number, "shop_name": order.shop_name, "currency": order.currency,
        "subtotal_cents": order.subtotal_cents, "discount_cents": order.discount_cents,
        "shipping_cents": order.shipping_cents, "tax_cents": order.tax_cents,
        "total_cents": order.total_cents, "flagged_reason": order.flagged_reason,
        "items": [{"title": item.title,
                   "variant": " / ".join(p for p in (item.color, item.size) if p),
                   "quantity": item.quantity, "unit_price_cents": item.unit_price_cents,
                   "line_total_cents": item.line_total_cents} for item in order.items],
    }


def _address(order):
    return {"name": order.ship_name, "line1": order.ship_line1, "line2": order.ship_line2,
            "city": order.ship_city, "region": order.ship_region,
            "postal_code": order.ship_postal_code, "country": order.ship_country,
            "phone": order.ship_phone}


def _purchase(order, item):
    return {"kind": str(AnalyticsKind.PURCHASE), "user_id": order.user_id, "visitor_key": None,
            "product_id": item.product_id, "shop_id": order.shop_id, "quantity": item.quantity,
            "amount_cents": item.line_total_cents, "user_agent": "", "country": None}


def _record_purchases(orders):
    """A PURCHASE analytics event per line (with its counters) in the caller's transaction:
    this already is a job, so one more job per line would only add queue traffic. If the batch
    is refused (a product purged meanwhile), each event is tried alone so only the bad ones go.
    """
    events = [_purchase(order, item) for order in orders for item in order.items]
    try:
        with db.session.begin_nested():
            analytics_events.write_events(events)
        return
    except Exception:  # analytics are never worth a lost confirmation email
        log.warning("purchase events refused as a batch; writing them one by one",
                    exc_info=True)
    for event in events:
        try:
            with db.session.begin_nested():
                analytics_events.write_events([event])
        except Exception:
            log.exception("purchase event of product %s dropped", event["product_id"])


def _count_sales(fulfilled):
    """Products' sold counts and shops' order counts, summed first (no commit)."""
    sold, shop_orders = {}, {}
    for order in fulfilled:
        if order.shop_id:
            shop_orders[order.shop_id] = shop_orders.get(order.shop_id, 0) + 1
        for item in order.items:
            if item.product_id:
                sold[item.product_id] = sold.get(item.product_id, 0) + item.quantity
    # In id order, so concurrent jobs take the row locks in the same order.
    if sold:
        products = Product.__table__
        db.session.execute(
            update(products).where(products.c.id == bindparam("product_id"))
            .values(sold_count=products.c.sold_count + bindparam("quantity")),
            [{"product_id": pid, "quantity": n} for pid, n in sorted(sold.items())])
    if shop_orders:
        # analytics_events.record(PURCHASE) counts units and revenue; orders are counted here.
        analytics_events.bump_many(ShopCounter, "shop_id", [
            (shop_id, {"orders": n}) for shop_id, n in sorted(shop_orders.items())])


def send_order_effects(payment_id, low_stock=()):
    """Confirmation, seller and low-stock emails plus purchase analytics, once per payment."""
    return bool(send_effects([payment_id], {payment_id: list(low_stock)}))


def send_effects(payment_ids, low_stock=None):
    """send_order_effects for many payments at once; low_stock: {payment id: [alert]}.

    One transaction holds the payments' effects markers, the sold counts and the purchase
    analytics, so those happen exactly once; the emails are queued after its commit as one
    job (at most once: a crash in between loses them rather than sending twice). Returns the
    payment ids handled now (the others were handled before).
    """
    low_stock = low_stock or {}
    try:
        claimed = webhook_events.mark_steps([f"effects:{pid}" for pid in payment_ids])
        ids = [int(name.split(":", 1)[1]) for name in claimed]
        payments = {p.id: p for p in db.session.scalars(
            select(Payment).where(Payment.id.in_(ids)))}
        orders = db.session.scalars(select(Order).where(Order.payment_id.in_(sorted(payments)))
                                    .options(selectinload(Order.items)).order_by(Order.id)).all()
        fulfilled = [order for order in orders if not order.flagged_reason]
        _count_sales(fulfilled)
        _record_purchases(fulfilled)
        messages = _all_messages(payments, orders, low_stock)
        with _kept_loaded():
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    send_emails(messages)
    return sorted(payments)


@contextmanager
def _kept_loaded():
    """A commit in here leaves loaded rows as they are (nothing reads them after it)."""
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield
    finally:
        session.expire_on_commit = expire_on_commit


def _all_messages(payments, orders, low_stock):
    emails = _buyer_emails(list(payments.values()))
    facts = shop_facts(order.shop_id for order in orders if order.shop_id)
    by_payment = {}
    for order in orders:
        by_payment.setdefault(order.payment_id, []).append(order)
    messages = []
    for payment_id, payment in payments.items():
        messages.extend(_messages(payment, by_payment.get(payment_id, []),
                                  emails.get(payment_id), facts,
                                  low_stock.get(payment_id) or low_stock.get(str(payment_id))
                                  or ()))
    return messages


def _messages(payment, orders, email, facts, low_stock):
    """The (to, subject, template, context) emails one paid checkout sends."""
    messages = []
    fulfilled = [order for order in orders if not order.flagged_reason]
    if fulfilled and email:
        numbers = ", ".join(order.number for order in fulfilled)
        messages.append((email, f"Your order is confirmed: {numbers}", "order_confirmation", {
            "name": fulfilled[0].ship_name, "orders": [order_context(o) for o in fulfilled],
            "refunded": [order_context(o) for o in orders if o.flagged_reason],
            "total_cents": sum(o.total_cents for o in fulfilled),
            "currency": payment.currency, "address": _address(fulfilled[0])}))
    for order in fulfilled:
        fact = facts.get(order.shop_id)
        if fact and fact.notify_new_order and fact.email_notifications:
            messages.append((fact.owner_email, f"New order {order.number}", "seller_new_order",
                             {"order": order_context(order), "address": _address(order)}))
    for alert in low_stock:
        fact = facts.get(alert["shop_id"])
        if fact and fact.notify_low_stock and fact.email_notifications:
            messages.append((fact.owner_email, f"Low stock: {alert['title']}", "low_stock",
                             {"shop_name": fact.name, **alert}))
    return messages


def send_refunded(order_id):
    """Tell the buyer a paid order could not be fulfilled and was refunded."""
    order = db.session.get(Order, order_id)
    payment = db.session.get(Payment, order.payment_id) if order and order.payment_id else None
    email = _buyer_email(payment) if payment else None
    if email:
        send_email(email, f"Refund for order {order.number}", "order_refunded_out_of_stock",
                   order=order_context(order), reason=order.flagged_reason,
                   amount_cents=order.total_cents, currency=order.currency)


def send_refused(payment_id):
    """Tell the buyer a payment that could not become an order was refunded in full."""
    payment = db.session.get(Payment, payment_id)
    email = _buyer_email(payment) if payment else None
    if email:
        send_email(email, "Your payment was refunded", "order_refunded_out_of_stock",
                   order=None, reason="we could not match the amount charged to your order",
                   amount_cents=payment.amount_cents, currency=payment.currency)
