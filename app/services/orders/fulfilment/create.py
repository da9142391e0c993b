"""A paid checkout becomes orders, exactly once, in one transaction with the event's marker."""
# That transaction records the Payment, one Order per shop at the snapshot's prices, the stock
# decrements, the coupon use, the ledger rows, the cleared cart lines and the in-app
# notifications; everything that talks to the outside world (emails, refunds, payouts,
# analytics) runs after the commit in jobs (fulfilment_effects). The apply_* functions work in
# the caller's transaction, so the webhook drain can put a whole batch of events in one (and
# fulfilment_writes may hold their rows to the batch's end); fulfil_checkout is the same
# work committed on its own. Decisions:
# - a completed event for an expired or replaced session is still fulfilled: the money was
#   taken and the snapshot is what the buyer agreed to; a paid session is never un-paid;
# - a shop whose lines cannot all be taken from stock (or whose shop is gone, or whose discount
#   code ran out between checkout and payment) gets its order created flagged and `refunded`
#   and the buyer is refunded that order's total automatically; other shops are unaffected;
# - a charged amount or currency that differs from the snapshot creates no orders at all: the
#   Payment is recorded as failed, admins are alerted and the whole charge is refunded.
import logging
from dataclasses import dataclass, field

from sqlalchemy import insert, select

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Product
from app.models.orders import (
    CheckoutSession,
    CheckoutStatus,
    LedgerEntry,
    Order,
    OrderItem,
    OrderStatusEvent,
    Payment,
    PaymentStatus,
)
from app.services.orders import numbers as order_numbers
from app.services.orders import stock
from app.services.orders.fulfilment import effects
from app.services.orders.fulfilment import writes as fulfilment_writes
from app.services.orders.fulfilment.notices import (
    alert_admins,
    announce,
    coupon_counted,
    shop_facts,
)
from app.services.orders.fulfilment.plan import Known, SnapshotError, order_rows, parse
from app.services.payments import ledger
from app.services.payments.webhooks import events as webhook_events

log = logging.getLogger(__name__)

PAID_STATUSES = ("paid", "no_payment_required")


@dataclass
class Outcome:
    # fulfilled, flagged (payment refused), duplicate, already_paid, unpaid, unknown_session,
    # expired, ignored
    status: str
    payment_id: int | None = None
    orders: list = field(default_factory=list)  # order ids fulfilled
    flagged: list = field(default_factory=list)  # order ids created refunded
    low_stock: list = field(default_factory=list)  # alerts (plain dicts) for the seller


def _marked(event, work):
    """Mark the event handled and do `work()` in the caller's transaction; None if seen before."""
    if not webhook_events.mark(event["id"], event["type"]):
        return None
    return work()


def committed(apply):
    """Run `apply()` as its own transaction (the single-event path, outside a batch)."""
    try:
        outcome = apply()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return outcome


def apply_paid(provider_session_id, event):
    """A paid checkout.session event in the caller's transaction (no commit, no jobs).

    A replay (the event seen before, or the session already paid) writes nothing and carries
    the payment id, so follow_up() can re-queue after-commit work a crash may have lost.
    """
    outcome = _marked(event, lambda: _fulfil(provider_session_id, event))
    if outcome is None or outcome.status == "already_paid":
        outcome = Outcome(outcome.status if outcome else "duplicate",
                          payment_id=_payment_id(provider_session_id))
    return outcome


def apply_expired(provider_session_id, event):
    """An expired provider session: an open CheckoutSession becomes expired, nothing else."""
    def work():
        checkout = _locked_checkout(provider_session_id)
        if checkout is not None and checkout.status == CheckoutStatus.OPEN:
            checkout.status = CheckoutStatus.EXPIRED
            return Outcome("expired")
        return Outcome("ignored")

    return _marked(event, work) or Outcome("duplicate")


def apply_ignored(event):
    """An event we do not act on: remembered, so replays are recognised, and ignored."""
    return _marked(event, lambda: Outcome("ignored")) or Outcome("duplicate")


def follow_up(outcomes):
    """After the commit of `outcomes`: queue their after-commit work, in one job."""
    fresh = [o for o in outcomes if o.status in ("fulfilled", "flagged") and o.payment_id]
    replays = [o.payment_id for o in outcomes
               if o.status in ("duplicate", "already_paid") and o.payment_id]
    effects.schedule(fresh, effects.unfinished(replays))


def fulfil_checkout(provider_session_id, event):
    """Handle a paid checkout.session event on its own; safe to call any number of times."""
    outcome = committed(lambda: apply_paid(provider_session_id, event))
    follow_up([outcome])
    return outcome


def _locked_checkout(provider_session_id):
    batch = fulfilment_writes.current()
    if batch is not None and provider_session_id in batch.checkouts:
        return batch.checkouts[provider_session_id]  # locked by the batch already
    # populate_existing: inside a batch an earlier event may have changed this row with a
    # Core UPDATE; a locking read must see the row as it is, not as first loaded.
    return db.session.scalar(select(CheckoutSession).where(
        CheckoutSession.provider_session_id == provider_session_id).with_for_update()
        .execution_options(populate_existing=True))


def _payment_id(provider_session_id):
    return db.session.scalar(select(Payment.id).where(
        Payment.provider_session_id == provider_session_id))


def _payment_ref(session):
    intent = session.get("payment_intent")
    intent = intent.get("id") if isinstance(intent, dict) else intent
    return intent if isinstance(intent, str) and intent else None


def _fulfil(provider_session_id, event):
    now, session = utcnow(), event["data"]["object"]
    checkout = _locked_checkout(provider_session_id)
    if checkout is None:
        log.error("paid event %s for unknown checkout session %s", event["id"],
                  provider_session_id)
        alert_admins("Payment for an unknown checkout",
                     f"Event {event['id']} reports a payment for session {provider_session_id}, "
                     "which this site does not know. Check the provider's dashboard.")
        return Outcome("unknown_session")
    if checkout.status == CheckoutStatus.PAID:
        return Outcome("already_paid")
    if session.get("payment_status") not in PAID_STATUSES:
        return Outcome("unpaid")  # an async payment method: a later event says "paid"
    charged = session.get("amount_total")
    currency = str(session.get("currency") or "").upper()
    try:
        plan, problem = parse(checkout.snapshot), None
        if charged != plan.amount_cents or charged != checkout.amount_cents or \
                currency != plan.currency:
            problem = (f"amount mismatch: charged {charged!r} {currency}, "
                       f"expected {plan.amount_cents} {plan.currency}")
    except SnapshotError as error:
        plan, problem = None, f"unusable checkout snapshot ({error})"
    reference = _payment_ref(session)
    # Core statements rather than the ORM's unit of work: this is the hot path.
    payment = {
        "provider": checkout.provider, "provider_session_id": provider_session_id,
        "provider_payment_id": reference, "user_id": checkout.user_id,
        "amount_cents": charged if type(charged) is int and charged >= 0 else 0,
        "currency": currency or checkout.currency,
        "status": PaymentStatus.FAILED if problem else PaymentStatus.PAID, "refunded_cents": 0,
        "paid_at": now, "created_at": now, "updated_at": now,
        "raw": {"event_id": event["id"], "session": {
            k: session.get(k) for k in ("id", "payment_intent", "payment_status",
                                        "amount_total", "currency", "metadata")}}}
    if fulfilment_writes.current() is not None:
        [payment["id"]] = fulfilment_writes.reserve_ids("payments", 1)
        fulfilment_writes.add(Payment.__table__, [payment])
    else:
        payment["id"] = db.session.execute(insert(Payment.__table__).values(payment).returning(
            Payment.__table__.c.id)).scalar_one()
    fulfilment_writes.mark_paid(checkout)
    if problem:
        return _refuse(payment, problem, reference or provider_session_id)
    return _create_orders(checkout, plan, payment["id"], reference or provider_session_id, now)


def _refuse(payment, problem, reference):
    """Money taken that cannot become orders: no orders, a platform ledger row, an alert."""
    if payment["amount_cents"]:
        fulfilment_writes.add(LedgerEntry.__table__, [ledger.entry(
            "charge", payment["amount_cents"], shop_id=None, payment_id=payment["id"],
            currency=payment["currency"], reference=reference,
            memo=f"Refused payment: {problem}")])
    log.error("payment %s refused: %s", payment["provider_session_id"], problem)
    alert_admins("A payment was refused and is being refunded",
                 f"Checkout {payment['provider_session_id']}: {problem}. No order was created.")
    return Outcome("flagged", payment_id=payment["id"])


def _create_orders(checkout, plan, payment_id, reference, now):
    available = stock.lock(v for shop in plan.shops for v in shop.needs)
    facts = shop_facts([shop.shop_id for shop in plan.shops])
    reasons = {}
    for shop in plan.shops:
        fact = facts.get(shop.shop_id)
        short = stock.shortfalls(shop.needs, available)
        if fact is None or not fact.open:
            reasons[shop.shop_id] = "shop closed"
        elif short:
            reasons[shop.shop_id] = "out of stock: " + ", ".join(
                line.title for line in shop.lines if line.variant_id in short)
    discounted = [s for s in plan.shops if s.discount_cents and s.shop_id not in reasons]
    coupon_ok, coupon_exists = coupon_counted(plan.coupon_id if discounted else None)
    if not coupon_ok:
        reasons.update((s.shop_id, "discount code used up before payment") for s in discounted)
    known = Known(user_id=checkout.user_id, shops=frozenset(facts), variants=frozenset(available),
                  products=_known_products(plan, available), coupon=coupon_exists)
    outcome = Outcome("fulfilled", payment_id=payment_id)
    bought, created, orders, items, timeline, entries = [], [], [], [], [], []
    numbers = order_numbers.reserve(len(plan.shops), now)
    for shop, (order_id, number) in zip(plan.shops, numbers, strict=True):
        reason = reasons.get(shop.shop_id)
        if reason is None:
            stock.take_all(shop.needs)
            bought.extend(shop.needs)
            outcome.low_stock.extend(_low_stock(shop, available, facts[shop.shop_id]))
        order, lines, steps = order_rows(
            plan, shop, known, order_id=order_id, number=number, payment_id=payment_id,
            session_id=checkout.provider_session_id, now=now, flagged_reason=reason)
        orders.append(order)
        items.extend(lines)
        timeline.extend(steps)
        entries.extend(ledger.sale_entries(order, shop.platform_fee_cents, reference, now))
        (outcome.flagged if reason else outcome.orders).append(order_id)
        created.append((shop, order))
    # One Core statement per table (no ORM unit of work: this is the hot path), in FK order,
    # now or at the end of the batch (fulfilment_writes).
    fulfilment_writes.add(Order.__table__, orders)
    fulfilment_writes.add(OrderItem.__table__, items)
    fulfilment_writes.add(OrderStatusEvent.__table__, timeline)
    fulfilment_writes.add(LedgerEntry.__table__, entries)
    if bought and checkout.user_id:
        fulfilment_writes.clear_cart_lines(checkout.user_id, bought)
    announce(created, facts, outcome.low_stock, now)
    return outcome


def _low_stock(shop, available, fact):
    """Alerts for the variants this sale took from above the shop's threshold to at/below it."""
    alerts = []
    for line in shop.lines:
        before = available[line.variant_id]
        after = before - shop.needs[line.variant_id]
        if stock.crossed(before, after, fact.low_stock_threshold):
            alerts.append({"variant_id": line.variant_id, "shop_id": shop.shop_id,
                           "title": line.title, "sku": line.sku, "stock": after,
                           "threshold": fact.low_stock_threshold})
    return alerts


def _known_products(plan, available):
    lines = [line for shop in plan.shops for line in shop.lines if line.product_id]
    known = {line.product_id for line in lines if line.variant_id in available}
    unsure = {line.product_id for line in lines} - known
    if unsure:
        known |= set(db.session.scalars(select(Product.id).where(Product.id.in_(unsure))))
    return frozenset(known)
