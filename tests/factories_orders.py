"""Lifecycle factories: paid orders of real variants with their payment and ledger rows,
checkout sessions, a recording payment provider, and readers of what was stored."""
import itertools
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import ProductVariant
from app.models.notifications import Notification
from app.models.orders import (
    CheckoutSession,
    CheckoutStatus,
    LedgerEntry,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusEvent,
    Payment,
    PaymentProvider,
    PaymentStatus,
)
from app.services.payments import ProviderError, ledger
from tests.factories_account import _path_to
from tests.support import modes
from tests.support.jobs import wait_for_idle_queues

_seq = itertools.count(1)
FEE_BPS = 1000  # the fee the factories' ledger rows record: 10 % of the order total


def paid_order(app, buyer, shop, lines, *, status=OrderStatus.PLACED, shipping_cents=500,
               tax_cents=0, discount_cents=0, number=None, placed_at=None, other_cents=0):
    """A paid order of `buyer` at `shop`, its Payment (amount = total + `other_cents`, the
    other shops' part of the same checkout) and its charge and fee ledger rows.

    lines: [(product, quantity)] or [(product, quantity, unit_price_cents)], each for the
    product's first variant. Returns the order number.
    """
    n = next(_seq)
    placed_at = placed_at or utcnow() - timedelta(days=1)
    number = number or f"BZ2611-{900000 + n:06d}"
    session_id = f"cs_lifecycle_{n}"
    with app.app_context():
        order = Order(number=number, user_id=buyer.id if buyer else None, shop_id=shop.id,
                      shop_name=shop.name, checkout_session_id=session_id,
                      status=OrderStatus(status), discount_cents=discount_cents,
                      shipping_cents=shipping_cents, tax_cents=tax_cents, subtotal_cents=0,
                      total_cents=0, currency="USD", ship_name="Ada Lovelace",
                      ship_line1="12 Analytical Row", ship_city="London",
                      ship_postal_code="SW1A 1AA", ship_country="GB", placed_at=placed_at,
                      created_at=placed_at)
        for product, quantity, *price in lines:
            variant = db.session.get(ProductVariant, product.variants[0].id)
            unit = price[0] if price else variant.unit_price_cents
            order.items.append(OrderItem(
                product_id=product.id, variant_id=variant.id, title=product.title,
                sku=variant.sku, color=variant.color or None, size=variant.size or None,
                unit_price_cents=unit, quantity=quantity, line_total_cents=unit * quantity))
        order.subtotal_cents = sum(i.line_total_cents for i in order.items)
        order.total_cents = order.subtotal_cents - discount_cents + shipping_cents + tax_cents
        for step, state in enumerate(_path_to(status)):
            when = placed_at + timedelta(hours=step)
            setattr(order, f"{state.value}_at", when)
            order.status_events.append(OrderStatusEvent(status=state, created_at=when))
        payment = Payment(provider=PaymentProvider.OFFLINE, provider_session_id=session_id,
                          provider_payment_id=f"pi_lifecycle_{n}",
                          user_id=buyer.id if buyer else None,
                          amount_cents=order.total_cents + other_cents,
                          status=PaymentStatus.PAID, paid_at=placed_at)
        db.session.add_all([order, payment])
        db.session.flush()
        order.payment_id = payment.id
        ledger.record_sale(order, (order.total_cents * FEE_BPS + 5000) // 10000, session_id)
        db.session.commit()
    return number


def checkout_session(app, user, *, age=timedelta(hours=25), status=CheckoutStatus.OPEN,
                     lines=(("Linen tote bag", 2),), amount_cents=5000, reminded=False):
    """An open (by default) checkout session of `user`, opened `age` ago; returns its id."""
    n = next(_seq)
    opened = utcnow() - age
    snapshot = {"version": 1, "user_id": user.id, "shops": [{"shop_id": 1, "lines": [
        {"title": title, "quantity": quantity} for title, quantity in lines]}],
        "amount_cents": amount_cents}
    with app.app_context():
        row = CheckoutSession(user_id=user.id, provider=PaymentProvider.OFFLINE,
                              provider_session_id=f"cs_offline_reminder_{n}",
                              cart_fingerprint="0" * 64, amount_cents=amount_cents,
                              status=status, snapshot=snapshot, created_at=opened,
                              updated_at=opened, expires_at=opened + timedelta(hours=1),
                              reminder_sent_at=utcnow() if reminded else None)
        db.session.add(row)
        db.session.commit()
        return row.id


class RecordingProvider:
    """Stands in for the payment provider's refund call: records it, or fails."""

    def __init__(self, fail=False):
        self.fail = fail
        self.refunds = []

    def refund(self, *, payment_ref, amount_cents, reason, idempotency_key):
        if self.fail:
            raise ProviderError("The card network is down.")
        self.refunds.append({"payment_ref": payment_ref, "amount_cents": amount_cents,
                             "reason": reason, "idempotency_key": idempotency_key})
        return f"re_rec_{idempotency_key}"


def read(app, fn):
    """fn() inside an app context, with a clean session before and after."""
    with app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()


def order_row(app, number):
    def load():
        order = db.session.scalars(select(Order).where(Order.number == number)).one()
        order.items, order.status_events  # noqa: B018 - load before detaching
        payment = db.session.get(Payment, order.payment_id) if order.payment_id else None
        db.session.expunge_all()
        return order, payment

    return read(app, load)


def stock_of(app, product):
    return read(app, lambda: db.session.get(ProductVariant, product.variants[0].id).stock)


def ledger_rows(app, number):
    """[(kind value, amount_cents, provider_reference)] of an order, oldest first."""
    return read(app, lambda: [
        (row.kind.value, row.amount_cents, row.provider_reference)
        for row in db.session.scalars(
            select(LedgerEntry).join(Order, Order.id == LedgerEntry.order_id)
            .where(Order.number == number).order_by(LedgerEntry.id))])


def notifications_of(app, user):
    return read(app, lambda: [(n.title, n.message or "") for n in db.session.scalars(
        select(Notification).where(Notification.receiver_id == user.id)
        .order_by(Notification.id))])


def reminder_sent_at(app, session_id):
    return read(app, lambda: db.session.get(CheckoutSession, session_id).reminder_sent_at)


def settle(app):
    """In the services run, wait until the worker has run every queued job (so a test can
    assert that some mail was NOT sent); nothing to wait for in the embedded run."""
    if modes.SERVICES:
        wait_for_idle_queues(app)
