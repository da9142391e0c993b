"""Refunds by a shop's seller or an admin, full or per item, through the payment provider.

Amounts come from the server only (order_status.refunded_value). Analytics: purchase events are
append-only facts whose CHECK allows no negative purchase, so a refund records no event and
takes the refunded units and value off the product and shop counters instead.
"""
import logging
from dataclasses import dataclass

from sqlalchemy import case, func, select, update

from app.extensions import db
from app.models.accounts import Role, User
from app.models.analytics import ProductCounter, ShopCounter
from app.models.base import utcnow
from app.models.catalog import ProductVariant
from app.models.orders import (
    CheckoutSession,
    LedgerEntry,
    LedgerKind,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentStatus,
)
from app.models.site import SiteConfig
from app.services import payments
from app.services.messaging import notifications
from app.services.orders import status as order_status
from app.services.orders.status import refund_seq, refunded_value
from app.services.payments import ledger
from app.templating import format_money

log = logging.getLogger(__name__)

# Sent when the person gave no reason (the Stripe provider passes Stripe's own codes as
# the refund reason and anything else as metadata).
REASON_CODE = "requested_by_customer"
DEFAULT_FEE_BPS = 1000


class RefundError(order_status.OrderActionError):
    pass


class RefundFailed(RefundError):
    """The provider refused or could not be reached; nothing was changed."""


@dataclass(frozen=True)
class TakenRefund:
    amount_cents: int
    refund_id: str | None
    lines: list  # [[title, quantity], ...]
    restocked: int
    complete: bool
    currency: str

    @property
    def summary(self):
        if not self.amount_cents:
            return None
        return f"{format_money(self.amount_cents, self.currency)} refunded."


def _wanted(order, quantities):
    """{item: units} to refund; None means everything not refunded yet."""
    if quantities is None:
        return {item: item.refundable_quantity for item in order.items
                if item.refundable_quantity > 0}
    by_id = {item.id: item for item in order.items}
    wanted = {}
    for item_id, units in quantities.items():
        item = by_id.get(item_id)
        if item is None or type(units) is not int or units < 0:
            raise RefundError("Choose whole numbers of items from this order.")
        if units > item.refundable_quantity:
            raise RefundError(f"Only {item.refundable_quantity} of {item.title} can still "
                              "be refunded.")
        if units:
            wanted[item] = units
    return wanted


def _claim(item, units):
    """refunded_quantity += units unless that would pass the quantity bought (a racing
    refund took them first)."""
    result = db.session.execute(
        update(OrderItem)
        .where(OrderItem.id == item.id, OrderItem.refunded_quantity + units <= OrderItem.quantity)
        .values(refunded_quantity=OrderItem.refunded_quantity + units))
    if result.rowcount != 1:
        raise RefundError(f"{item.title} was refunded meanwhile. Reload the page.")


def _charge_back(payment, amount):
    total = Payment.refunded_cents + amount
    result = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, total <= Payment.amount_cents)
        .values(refunded_cents=total, status=case(
            (total >= Payment.amount_cents, PaymentStatus.REFUNDED.value),
            else_=PaymentStatus.PARTIALLY_REFUNDED.value)))
    if result.rowcount != 1:
        raise RefundError("That is more than is left of the payment to refund.")


def _minus(column, n):
    return case((column >= n, column - n), else_=0)


def _reverse_counters(order, wanted):
    """Purchases and revenue counters go down by what was refunded (events stay: they are
    append-only facts and their CHECK allows no negative purchase)."""
    for item, units in wanted.items():
        if item.product_id:
            db.session.execute(update(ProductCounter).where(
                ProductCounter.product_id == item.product_id).values(
                purchases=_minus(ProductCounter.purchases, units),
                revenue_cents=_minus(ProductCounter.revenue_cents, item.unit_price_cents * units)))
    value = sum(item.unit_price_cents * units for item, units in wanted.items())
    if order.shop_id and value:
        db.session.execute(update(ShopCounter).where(ShopCounter.shop_id == order.shop_id)
                           .values(revenue_cents=_minus(ShopCounter.revenue_cents, value)))


def platform_fee(order):
    """The fee the marketplace kept on `order`: its ledger rows, else the checkout snapshot,
    else today's rate."""
    charged = db.session.scalar(select(func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.order_id == order.id, LedgerEntry.kind == LedgerKind.PLATFORM_FEE,
        LedgerEntry.amount_cents < 0))
    if charged:
        return -int(charged)
    snapshot = db.session.scalar(select(CheckoutSession.snapshot).where(
        CheckoutSession.provider_session_id == order.checkout_session_id))
    for shop in (snapshot or {}).get("shops", []) if isinstance(snapshot, dict) else []:
        if shop.get("shop_id") == order.shop_id and isinstance(shop.get("platform_fee_cents"), int):
            return shop["platform_fee_cents"]
    site = db.session.get(SiteConfig, 1)
    bps = site.platform_fee_bps if site else DEFAULT_FEE_BPS
    return (order.total_cents * bps + 5000) // 10000


def _refunded_before_after(order, wanted):
    """({item id: units refunded}, the same once `wanted` is refunded too)."""
    before = {item.id: item.refunded_quantity for item in order.items}
    return before, {**before, **{item.id: before[item.id] + n for item, n in wanted.items()}}


@dataclass(frozen=True)
class RefundPreview:
    """What a refund would pay back now, for its confirmation page."""

    order: Order
    lines: list  # [(OrderItem, units)]
    amount_cents: int
    complete: bool  # nothing would be left unrefunded: the order becomes refunded
    refund_seq: int  # the confirmation sends it back, so a second click is refused


def preview(actor, number, quantities=None):
    """What refund() of these quantities (None: everything left) would do, changing nothing;
    the same errors as refund() for an order or quantities it would refuse."""
    if actor.role not in (Role.SELLER, Role.ADMIN):
        raise order_status.NotAllowed("Only the shop or the marketplace team can refund an order.")
    order = order_status.find_order(actor, number)
    _check_refundable(order)
    wanted = _wanted(order, quantities)
    if not wanted:
        raise RefundError("Choose at least one item to refund.")
    before, after = _refunded_before_after(order, wanted)
    amount = refunded_value(order, after) - refunded_value(order, before)
    return RefundPreview(order, list(wanted.items()), amount,
                         all(after[i.id] >= i.quantity for i in order.items), refund_seq(order))


def _check_refundable(order):
    if order.status in order_status.STOPPED:
        raise RefundError(f"This order is {order.status.value}: there is nothing left "
                          "to refund.")


def take_refund(order, quantities, *, restock, reason, actor, now, cancelling=False):
    """Pay back units of a locked `order` in the caller's transaction (the caller commits).

    Claims the units first (guarded updates), then asks the provider with the idempotency key
    "refund-<number>-<refund_seq>", so a retry of the same refund is the same refund at the
    provider. Returns a TakenRefund, or None when cancelling finds nothing to refund.
    """
    wanted = _wanted(order, quantities)
    if not wanted:
        if cancelling:
            return None
        raise RefundError("Choose at least one item to refund.")
    before, after = _refunded_before_after(order, wanted)
    value_before, value_after = refunded_value(order, before), refunded_value(order, after)
    amount = value_after - value_before
    payment = db.session.get(Payment, order.payment_id, with_for_update=True) \
        if order.payment_id else None
    if amount > 0 and (payment is None or not payment.provider_payment_id):
        raise RefundError("This order has no payment on record to refund.")
    for item, units in wanted.items():
        _claim(item, units)
    refund_id = None
    if amount > 0:
        _charge_back(payment, amount)
        key = f"refund-{order.number}-{refund_seq(order, before)}"
        try:
            refund_id = payments.get_provider().refund(
                payment_ref=payment.provider_payment_id, amount_cents=amount,
                reason=reason or REASON_CODE, idempotency_key=key)
        except payments.ProviderError as error:
            log.warning("refund %s of %s cents refused: %s", key, amount, error)
            raise RefundFailed(f"{error} Nothing was changed.") from error
        except Exception as error:
            log.exception("refund %s of %s cents failed", key, amount)
            raise RefundFailed("The payment provider could not be reached, so nothing was "
                               "changed. Please try again in a few minutes.") from error
        fee = platform_fee(order)
        total = order.total_cents or 1
        reversal = fee * value_after // total - fee * value_before // total
        ledger.record_refund(order, amount, reversal, refund_id)
    restocked = 0
    if restock:
        for item, units in wanted.items():
            if item.variant_id:
                restocked += units * db.session.execute(
                    update(ProductVariant).where(ProductVariant.id == item.variant_id)
                    .values(stock=ProductVariant.stock + units)).rowcount
    _reverse_counters(order, wanted)
    log.info("order %s: %s cents refunded by user %s (%s)", order.number, amount,
             actor.user_id, refund_id)
    return TakenRefund(amount, refund_id, [[item.title, n] for item, n in wanted.items()],
                       restocked, all(after[i.id] >= i.quantity for i in order.items),
                       order.currency)


def refund(actor, number, quantities=None, *, restock=False, reason=None, expected_seq=None,
           now=None):
    """Refund an order in full (`quantities` None) or {order item id: units} of it.

    For a shop's seller or an admin. `expected_seq` is the refund_seq the person's page
    showed: if a refund happened since (a double submission), this one is refused. When
    nothing is left unrefunded the order becomes refunded. The buyer is notified and
    emailed. Returns the TakenRefund.
    """
    if actor.role not in (Role.SELLER, Role.ADMIN):
        raise order_status.NotAllowed("Only the shop or the marketplace team can refund an order.")
    now = now or utcnow()
    try:
        order = order_status.find_order(actor, number, lock=True)
        _check_refundable(order)
        if expected_seq is not None and expected_seq != refund_seq(order):
            raise RefundError("This order was refunded meanwhile (perhaps by a second click). "
                              "Check what is left below before refunding again.")
        reason = order_status.clean_text(reason, order_status.MAX_NOTE, "reason")
        taken = take_refund(order, quantities, restock=restock, reason=reason, actor=actor,
                            now=now)
        note = order_status.sentences(taken.summary, reason)
        if taken.complete:
            order_status.move(order, OrderStatus.REFUNDED, actor, note, now, refunded_at=now)
        elif order.user_id:
            notifications.add_notification(
                order.user_id, f"Order {order.number}: partly refunded", message=note,
                link=f"/account/orders/{order.number}", creator_id=actor.user_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    order_status.after_commit("workers.orders.email_refund", order.id, taken.amount_cents,
                        taken.lines, reason or "", taken.complete)
    return taken


def refund_email(order_id, amount_cents, lines, reason, complete):
    """(to, subject, template, context) of the email telling the buyer about a refund, or None."""
    order = db.session.get(Order, order_id)
    buyer = db.session.get(User, order.user_id) if order is not None and order.user_id else None
    if buyer is None:
        return None
    context = {"name": buyer.name, "number": order.number, "shop_name": order.shop_name,
               "amount": format_money(amount_cents, order.currency),
               "lines": [[str(title), int(units)] for title, units in lines],
               "reason": reason or "", "complete": bool(complete),
               "order_path": f"/account/orders/{order.number}"}
    return buyer.email, f"Refund for order {order.number}", "order_refunded", context
