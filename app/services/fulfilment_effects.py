"""After a paid checkout is committed: emails, analytics, refunds and payouts, as jobs."""
# Every job is safe to run twice. Emails and analytics claim a marker first (at most once: a
# crash right after the claim loses them rather than sending twice); refunds and payouts call
# the provider with an idempotency key (a retry gets the same refund/transfer back) and then
# record the ledger row under a row lock only if it is not there yet.
#
# Payouts: right after payment, each fulfilled order's share (its ledger balance: total - fee)
# is transferred to the shop's connected account; with the offline provider, which needs no
# accounts, the "transfer" happens at once. A shop without an account under Stripe keeps its
# balance on the platform (the ledger shows it owed) until sweep() finds it can be paid.
import logging
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db, jobs
from app.models.base import utcnow
from app.models.orders import LedgerKind, Order, OrderStatus, Payment, PaymentStatus
from app.models.shops import Shop
from app.services import ledger, payments, webhook_events
from app.services.fulfilment_emails import send_order_effects, send_refunded, send_refused

log = logging.getLogger(__name__)

OPEN_STATUSES = (OrderStatus.PLACED, OrderStatus.PACKED, OrderStatus.SHIPPED,
                 OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED)


def _enqueue(name, *args, queue="payments"):
    """Queue a follow-up job; a failure to queue is logged (sweep() catches it later)."""
    try:
        jobs.enqueue(f"workers.payments.{name}", *args, queue=queue)
    except Exception:
        log.exception("could not run/queue %s%s", name, args)


def schedule(outcome):
    """Queue the after-commit job of a fulfilment that has just committed."""
    if outcome.payment_id is not None and outcome.status in ("fulfilled", "flagged"):
        _enqueue("after_payment", outcome.payment_id, outcome.low_stock, queue="default")


def resume(payment_id):
    """On a replayed event: queue again whatever a crash after the commit may have lost."""
    payment = db.session.get(Payment, payment_id) if payment_id else None
    if payment is not None and (payment.status == PaymentStatus.FAILED or
                                not webhook_events.step_done(f"effects:{payment.id}")):
        _enqueue("after_payment", payment.id, [], queue="default")


def after_payment(payment_id, low_stock=()):
    """Everything after a paid checkout's commit, one job, each step idempotent.

    Emails and analytics first (at most once: a failure there is logged, not retried), then
    the refunds of flagged orders and the payouts of the others; if one of those fails the
    job raises at the end, so RQ retries it and the steps already done are skipped.
    """
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        return
    if payment.status == PaymentStatus.FAILED:
        refund_payment(payment_id)
        return
    try:
        send_order_effects(payment_id, low_stock)
    except Exception:
        db.session.rollback()
        log.exception("emails/analytics after payment %s failed; not retried", payment_id)
    failed = None
    orders = db.session.execute(select(Order.id, Order.flagged_reason).where(
        Order.payment_id == payment_id).order_by(Order.id)).all()
    for order_id, flagged in orders:
        try:
            refund_order(order_id) if flagged else pay_out_order(order_id)
        except Exception as error:
            db.session.rollback()
            log.exception("%s of order %s failed; will retry", "refund" if flagged else
                          "payout", order_id)
            failed = failed or error
    if failed is not None:
        raise failed


def _locked(model, row_id):
    return db.session.scalar(select(model).where(model.id == row_id).with_for_update()
                             .execution_options(populate_existing=True))


def _record_refund(payment_id, amount):
    payment = _locked(Payment, payment_id)
    payment.refunded_cents = min(payment.amount_cents, payment.refunded_cents + amount)
    payment.status = (PaymentStatus.REFUNDED if payment.refunded_cents >= payment.amount_cents
                      else PaymentStatus.PARTIALLY_REFUNDED)


def refund_order(order_id):
    """Refund a flagged order's total to the buyer, once; then email them. True if done now."""
    order = db.session.get(Order, order_id)
    if order is None or not order.flagged_reason or order.refunded_at is not None:
        return False
    payment = db.session.get(Payment, order.payment_id) if order.payment_id else None
    refund_id = None
    if order.total_cents > 0:
        if payment is None or not payment.provider_payment_id:
            log.error("order %s cannot be refunded: no payment reference", order.number)
            return False
        refund_id = payments.get_provider().refund(
            payment_ref=payment.provider_payment_id, amount_cents=order.total_cents,
            reason=order.flagged_reason, idempotency_key=f"oos-{order.number}")
    order = _locked(Order, order_id)
    if order.refunded_at is not None:  # a concurrent run recorded it first
        db.session.rollback()
        return False
    if refund_id:
        fee = -ledger.order_total(order.id, LedgerKind.PLATFORM_FEE)
        ledger.record_refund(order, order.total_cents, fee, refund_id)
        _record_refund(payment.id, order.total_cents)
    order.refunded_at = utcnow()
    for item in order.items:
        item.refunded_quantity = item.quantity
    db.session.commit()
    send_refunded(order.id)
    return True


def refund_payment(payment_id):
    """Refund the whole of a payment that was refused (no orders), once. True if done now."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.status != PaymentStatus.FAILED or payment.amount_cents <= 0:
        return False
    if not payment.provider_payment_id:
        log.error("refused payment %s has no payment reference to refund",
                  payment.provider_session_id)
        return False
    refund_id = payments.get_provider().refund(
        payment_ref=payment.provider_payment_id, amount_cents=payment.amount_cents,
        reason="amount mismatch", idempotency_key=f"refused-{payment.provider_session_id}")
    payment = _locked(Payment, payment_id)
    if payment.status != PaymentStatus.FAILED:
        db.session.rollback()
        return False
    ledger.append("refund", -payment.amount_cents, shop_id=None, payment_id=payment.id,
                  currency=payment.currency, reference=refund_id,
                  memo=f"Refund of refused payment {payment.provider_session_id}")
    _record_refund(payment.id, payment.amount_cents)
    db.session.commit()
    send_refused(payment.id)
    return True


def pay_out_order(order_id):
    """Transfer a fulfilled order's share to its shop, once. True when transferred now."""
    order = db.session.get(Order, order_id)
    if order is None or order.flagged_reason or order.status not in OPEN_STATUSES:
        return False
    if ledger.has_entry(order.id, LedgerKind.PAYOUT):
        return False
    provider = payments.get_provider()
    shop = db.session.get(Shop, order.shop_id) if order.shop_id else None
    account = shop.stripe_account_id if shop else None
    if shop is None or (account is None and provider.needs_connected_accounts):
        return False
    amount = ledger.order_total(order.id)
    if amount <= 0:
        return False
    payment = db.session.get(Payment, order.payment_id)
    metadata = ((payment.raw or {}).get("session") or {}).get("metadata") or {}
    transfer_id = provider.transfer(
        account_id=account, amount_cents=amount, currency=order.currency,
        transfer_group=metadata.get("reference") or order.checkout_session_id,
        idempotency_key=f"payout-{order.number}")
    order = _locked(Order, order_id)
    if ledger.has_entry(order.id, LedgerKind.PAYOUT):
        db.session.rollback()
        return False
    ledger.record_payout(order, amount, transfer_id)
    db.session.commit()
    return True


def sweep(days=7):
    """Queue refunds and payouts that a lost job left undone (for the periodic schedule)."""
    since = utcnow() - timedelta(days=days)
    for (order_id,) in db.session.execute(select(Order.id).where(
            Order.placed_at >= since, Order.flagged_reason.is_not(None),
            Order.refunded_at.is_(None))):
        _enqueue("refund_order", order_id)
    for (payment_id,) in db.session.execute(select(Payment.id).where(
            Payment.paid_at >= since, Payment.status == PaymentStatus.FAILED)):
        _enqueue("refund_payment", payment_id)
    unpaid = select(Order.id).where(
        Order.placed_at >= since, Order.flagged_reason.is_(None),
        Order.status.in_(OPEN_STATUSES), ~ledger.has_entry_clause(LedgerKind.PAYOUT))
    for (order_id,) in db.session.execute(unpaid):
        _enqueue("pay_out_order", order_id)
