"""After a paid checkout is committed: emails, analytics, refunds and payouts, as jobs."""
# Every job is safe to run twice. The sold counts and purchase analytics commit together with
# each payment's effects marker (exactly once), and the emails are queued after that commit (at
# most once: a crash in between loses them rather than sending twice); refunds and payouts call
# the provider with an idempotency key (a retry gets the same refund/transfer back) and then
# record the ledger row under a row lock only if it is not there yet.
#
# Payouts: right after payment, each fulfilled order's share (its ledger balance: total - fee)
# is transferred to the shop's connected account; with the offline provider, which needs no
# accounts, the "transfer" happens at once. A shop without an account under Stripe keeps its
# balance on the platform (the ledger shows it owed) until sweep() finds it can be paid.
import logging
from datetime import timedelta

from sqlalchemy import String, cast, exists, literal, select

from app.extensions import db, jobs
from app.models.base import utcnow
from app.models.orders import (
    LedgerKind,
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    ProcessedWebhookEvent,
)
from app.models.shops import Shop
from app.services import payments
from app.services.orders.fulfilment.emails import send_effects, send_refunded, send_refused
from app.services.payments import ledger
from app.services.payments.webhooks import events

log = logging.getLogger(__name__)

# How long a payment may wait for its after-commit job before the sweep queues it again.
EFFECTS_GRACE = timedelta(minutes=10)
SWEEP_CHUNK = 200  # payments per re-queued after-commit job, like a drained batch
OPEN_STATUSES = (OrderStatus.PLACED, OrderStatus.PACKED, OrderStatus.SHIPPED,
                 OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED)


def _enqueue(name, *args, queue="payments"):
    """Queue a follow-up job; a failure to queue is logged (sweep() catches it later)."""
    try:
        jobs.enqueue(f"workers.payments.{name}", *args, queue=queue)
    except Exception:
        log.exception("could not run/queue %s%s", name, args)


def schedule(outcomes, resumed=()):
    """Queue ONE after-commit job for the fulfilments that just committed (and for the
    payments of replays whose after-commit work may have been lost: see unfinished())."""
    payment_ids = list(dict.fromkeys([o.payment_id for o in outcomes] + list(resumed)))
    if payment_ids:
        low_stock = {o.payment_id: o.low_stock for o in outcomes if o.low_stock}
        _enqueue("after_payments", payment_ids, low_stock, queue="default")


def unfinished(payment_ids):
    """The payments among `payment_ids` whose after-commit work may not have run: a refused
    payment (its refund is idempotent) or one without its effects marker."""
    ids = sorted(set(payment_ids))
    if not ids:
        return []
    statuses = dict(db.session.execute(select(Payment.id, Payment.status).where(
        Payment.id.in_(ids))).all())
    done = events.steps_done([f"effects:{pid}" for pid in statuses])
    return [pid for pid, status in statuses.items()
            if status == PaymentStatus.FAILED or f"effects:{pid}" not in done]


def after_payment(payment_id, low_stock=()):
    """after_payments for one payment (the job queued before batches existed)."""
    after_payments([payment_id], {payment_id: list(low_stock)})


def after_payments(payment_ids, low_stock=None):
    """Everything after paid checkouts' commit, one job per batch, each step idempotent.

    Counts, analytics and emails first (a failure there is logged, not retried), then
    the refunds of flagged orders and the payouts of the others; if one of those fails the
    job raises at the end, so RQ retries it and the steps already done are skipped.
    """
    statuses = dict(db.session.execute(select(Payment.id, Payment.status).where(
        Payment.id.in_(sorted(set(payment_ids))))).all())
    failed = None
    for payment_id in sorted(p for p, status in statuses.items()
                             if status == PaymentStatus.FAILED):
        try:
            refund_payment(payment_id)
        except Exception as error:
            db.session.rollback()
            log.exception("refund of refused payment %s failed; will retry", payment_id)
            failed = failed or error
    paid = sorted(p for p, status in statuses.items() if status != PaymentStatus.FAILED)
    if not paid:
        if failed is not None:
            raise failed
        return
    try:
        send_effects(paid, low_stock)
    except Exception:
        db.session.rollback()
        log.exception("emails/analytics after payments %s failed; not retried", paid)
    orders = db.session.execute(select(Order.id, Order.flagged_reason).where(
        Order.payment_id.in_(paid)).order_by(Order.id)).all()
    for order_id in [order_id for order_id, flagged in orders if flagged]:
        try:
            refund_order(order_id)
        except Exception as error:
            db.session.rollback()
            log.exception("refund of order %s failed; will retry", order_id)
            failed = failed or error
    try:
        pay_out_orders([order_id for order_id, flagged in orders if not flagged])
    except Exception as error:
        db.session.rollback()
        log.exception("payouts after payments %s failed; will retry", paid)
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
    return order_id in pay_out_orders([order_id])


def _payable(order_ids, provider):
    """[(order row, amount)] of the orders whose share can be transferred now."""
    ids = sorted(set(order_ids))
    if not ids:
        return []
    rows = db.session.execute(
        select(Order.id, Order.number, Order.shop_id, Order.payment_id, Order.currency,
               Order.checkout_session_id, Order.flagged_reason, Order.status,
               Shop.stripe_account_id, Payment.raw)
        .join(Shop, Shop.id == Order.shop_id)
        .outerjoin(Payment, Payment.id == Order.payment_id)
        .where(Order.id.in_(ids)).order_by(Order.id)).all()
    paid_out = ledger.orders_with_entry(ids, LedgerKind.PAYOUT)
    balances = ledger.order_totals(ids)
    payable = []
    for row in rows:
        if row.flagged_reason or row.status not in OPEN_STATUSES or row.id in paid_out:
            continue
        if row.stripe_account_id is None and provider.needs_connected_accounts:
            continue
        if balances.get(row.id, 0) > 0:
            payable.append((row, balances[row.id]))
    return payable


def pay_out_orders(order_ids):
    """pay_out_order for many orders: one query per table, the transfers, then one locked
    re-check and one insert of the payout rows. Returns the ids paid out now; if a transfer
    fails the others are still recorded and the first error is raised after the commit."""
    provider = payments.get_provider()
    transfers, failed = {}, None
    for row, amount in _payable(order_ids, provider):
        metadata = ((row.raw or {}).get("session") or {}).get("metadata") or {}
        try:
            transfers[row.id] = (row, amount, provider.transfer(
                account_id=row.stripe_account_id, amount_cents=amount, currency=row.currency,
                transfer_group=metadata.get("reference") or row.checkout_session_id,
                idempotency_key=f"payout-{row.number}"))
        except Exception as error:
            log.exception("payout of order %s failed; will retry", row.number)
            failed = failed or error
    done = []
    if transfers:
        ids = sorted(transfers)
        db.session.execute(select(Order.id).where(Order.id.in_(ids)).order_by(Order.id)
                           .with_for_update())
        already = ledger.orders_with_entry(ids, LedgerKind.PAYOUT)  # a concurrent run's
        rows = []
        for order_id in ids:
            if order_id in already:
                continue
            row, amount, transfer_id = transfers[order_id]
            rows.extend(ledger.payout_entries(row._asdict(), amount, transfer_id))
            done.append(order_id)
        ledger.insert_entries(rows)
        db.session.commit()
    if failed is not None:
        raise failed
    return done


def sweep(days=7):
    """Queue refunds, payouts and confirmation emails that a lost job left undone (for the
    periodic schedule)."""
    since = utcnow() - timedelta(days=days)
    for (order_id,) in db.session.execute(select(Order.id).where(
            Order.placed_at >= since, Order.flagged_reason.is_not(None),
            Order.refunded_at.is_(None))):
        _enqueue("refund_order", order_id)
    for (payment_id,) in db.session.execute(select(Payment.id).where(
            Payment.paid_at >= since, Payment.status == PaymentStatus.FAILED)):
        _enqueue("refund_payment", payment_id)
    marker = literal("bazaar:effects:").concat(cast(Payment.id, String))
    lost = db.session.scalars(select(Payment.id).where(
        Payment.paid_at >= since, Payment.paid_at < utcnow() - EFFECTS_GRACE,
        Payment.status != PaymentStatus.FAILED,
        ~exists().where(ProcessedWebhookEvent.event_id == marker)).order_by(Payment.id)).all()
    for start in range(0, len(lost), SWEEP_CHUNK):
        _enqueue("after_payments", list(lost[start:start + SWEEP_CHUNK]), {}, queue="default")
    unpaid = select(Order.id).where(
        Order.placed_at >= since, Order.flagged_reason.is_(None),
        Order.status.in_(OPEN_STATUSES), ~ledger.has_entry_clause(LedgerKind.PAYOUT))
    for (order_id,) in db.session.execute(unpaid):
        _enqueue("pay_out_order", order_id)
