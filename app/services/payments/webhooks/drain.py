"""Drain the webhook inbox: batches of events, one transaction each, one bad one alone."""
# One transaction per batch amortises the commit, the job and the queue round trips over many
# events, and on PostgreSQL the batch's rows are written at its end (fulfilment_writes). If any
# event fails, the batch is rolled back and handled again with a savepoint per event: the bad
# one is rolled back alone, recorded as a failed attempt and retried later, and the others
# commit.
#
# Waking: receive() commits the event, then sets a Redis flag with SET NX and enqueues a drain
# job only if the flag was not set, so under load one job drains while requests queue nothing.
# The drain clears the flag before its last, empty claim (and before handing over to a new
# job), so an event committed after that claim began finds the flag clear and queues a job:
# no event waits for a job that will never come. The flag expires, and a periodic drain runs
# too, so a lost job only delays events.
import logging
import threading
import time
from contextlib import nullcontext
from datetime import timedelta

from redis.exceptions import RedisError
from sqlalchemy import select

from app.extensions import db, jobs
from app.models.catalog import DiscountCode
from app.models.orders import CheckoutSession
from app.services.orders import stock
from app.services.orders.fulfilment import create, writes
from app.services.orders.fulfilment.notices import remembered, shop_facts
from app.services.payments.webhooks import dispatch
from app.services.payments.webhooks import events as webhook_events
from app.services.payments.webhooks import inbox as webhook_inbox

log = logging.getLogger(__name__)

BATCH_SIZE = 200
LINGER_SECONDS = 0.1  # under load, at most ~10 batches a second (see drain)
# Then the job hands over to a fresh one at the back of the queue, so a worker that also
# serves other queues (`flask worker`) gets to their jobs every few seconds under load.
MAX_DRAIN_SECONDS = 5.0
WAKE_KEY = "bazaar:webhooks:drain-queued"
WAKE_TTL_SECONDS = 60
DRAIN_JOB = "workers.payments.drain_webhooks"
_inline_lock = threading.Lock()  # the embedded mode: one drain at a time in this process
_redis_down = False  # Redis refused the wake flag last time (see wake)


def wake(event_id=None):
    """Make sure a drain will run. Embedded mode: drain now; raise if `event_id` failed."""
    global _redis_down
    if jobs.is_async:
        try:
            first = jobs.redis.set(WAKE_KEY, 1, nx=True, ex=WAKE_TTL_SECONDS)
        except RedisError:
            # The event is committed in the inbox: the periodic drain finds it once Redis is
            # back. Logged once per outage, not once per event.
            if not _redis_down:
                log.warning("webhooks: Redis unavailable; events wait in the inbox until the "
                            "periodic drain runs again")
            _redis_down = True
            return
        _redis_down = False
        if first:
            try:
                jobs.enqueue(DRAIN_JOB, queue="payments", retries=10)
            except Exception:
                jobs.redis.delete(WAKE_KEY)  # so the next request tries again
                raise
        return
    with _inline_lock:
        failed = drain()
    if event_id in failed:
        raise failed[event_id]


def drain(batch_size=BATCH_SIZE, max_seconds=MAX_DRAIN_SECONDS, linger=None):
    """Handle due inbox events, batch after batch, until none is left (or time is up).

    After a batch that was not full the next claim waits until `linger` seconds after the
    previous one began (with RQ only): under load that gathers tens of events per batch, and
    each batch has a fixed cost (its commit, its after-commit job and that job's queries) that
    small batches would pay over and over. Returns {event_id: error} of the events that failed
    this time (they are retried later).
    """
    if linger is None:
        linger = LINGER_SECONDS if jobs.is_async else 0.0
    failed, deadline, stopping = {}, time.monotonic() + max_seconds, False
    while True:
        started = time.monotonic()
        rows = webhook_inbox.claim_due(batch_size)
        if not rows:
            db.session.rollback()  # end the claim's transaction
            if stopping or not jobs.is_async:
                return failed
            # About to stop: clear the flag, then look once more. An event committed after
            # this claim began finds the flag clear and queues a new job.
            jobs.redis.delete(WAKE_KEY)
            stopping = True
            continue
        stopping = False
        failed.update(handle_batch(rows))
        if time.monotonic() > deadline:
            if jobs.is_async:
                jobs.redis.delete(WAKE_KEY)
                wake()  # the rest goes to a fresh job
            return failed
        if len(rows) < batch_size and linger > 0:
            time.sleep(max(0.0, started + linger - time.monotonic()))


def handle_batch(rows):
    """Handle claimed inbox rows in one transaction; {event_id: error} of those that failed.

    First all together without savepoints (a savepoint per event costs two round trips, and
    more than 64 subtransactions in one transaction slow every PostgreSQL snapshot). If any
    event fails, the batch is rolled back and handled again with a savepoint per event, so
    only the bad ones are left for a retry.
    """
    try:
        failed, outcomes = _handle(rows, isolated=False)
    except Exception:
        log.warning("a batch of %d webhook events failed; handling them one by one", len(rows),
                    exc_info=True)
        rows = webhook_inbox.reclaim([row.id for row in rows])
        failed, outcomes = _handle(rows, isolated=True)
    if failed:
        retry_in = min(webhook_inbox.retry_delay(row.attempts + 1) for row in rows
                       if row.event_id in failed)
        jobs.enqueue_in(timedelta(seconds=retry_in), DRAIN_JOB, queue="payments")
    create.follow_up(outcomes)
    return failed


def _handle(rows, isolated):
    """({event_id: error}, outcomes) of the rows, committed (or raises, rolled back)."""
    failed, done, outcomes = {}, {}, []
    try:
        with remembered(), (nullcontext() if isolated else writes.deferred()) as batch:
            _lock_in_order([row.payload for row in rows], batch)
            for row in rows:
                if not isolated:
                    outcome = dispatch.apply(row.payload)
                else:
                    try:
                        with db.session.begin_nested():
                            outcome = dispatch.apply(row.payload)
                    except Exception as error:
                        log.exception("webhook event %s failed; will retry", row.event_id)
                        failed[row.event_id] = error
                        webhook_inbox.mark_failed(row, error)
                        continue
                done[row.id] = outcome.status
                outcomes.append(outcome)
            if batch is not None:
                batch.flush()
        webhook_inbox.mark_processed(done)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return failed, outcomes


def _lock_in_order(events, batch=None):
    """PostgreSQL: lock the batch's checkouts, variants, then discount codes, each in id order.

    Every event locks its own rows in that order too (fulfilment), but a batch holds all its
    events' locks until its commit; taking them all up front in one global order is what keeps
    two concurrent batches from deadlocking. SQLite has a single writer and needs none of this.
    With a deferred `batch`, the locked rows, fresh ids and the events' markers are kept in it.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    if batch is not None:
        webhook_events.premark(events)
    session_ids = sorted({sid for event in events if (sid := dispatch.paid_session_id(event))})
    if not session_ids:
        return
    checkouts = db.session.scalars(
        select(CheckoutSession).where(CheckoutSession.provider_session_id.in_(session_ids))
        .order_by(CheckoutSession.id).with_for_update()
        .execution_options(populate_existing=True)).all()
    coupons, variants, shops, orders = set(), set(), set(), 0
    for checkout in checkouts:
        try:
            snapshot = checkout.snapshot
            coupon = (snapshot.get("coupon") or {}).get("id")
            if coupon is not None:
                coupons.add(int(coupon))
            variants.update(int(line["variant_id"]) for shop in snapshot["shops"]
                            for line in shop["lines"])
            shops.update(int(shop["shop_id"]) for shop in snapshot["shops"])
            orders += len(snapshot["shops"])
        except (AttributeError, KeyError, TypeError, ValueError):
            continue  # an unreadable snapshot is refused by the event itself, unlocked
    stock.lock(variants)
    if coupons:
        db.session.execute(select(DiscountCode.id).where(DiscountCode.id.in_(sorted(coupons)))
                           .order_by(DiscountCode.id).with_for_update())
    shop_facts(shops)  # one query for the batch (remembered)
    if batch is not None:
        batch.checkouts = {checkout.provider_session_id: checkout for checkout in checkouts}
        writes.prefill_ids("payments", len(checkouts))
        writes.prefill_ids("orders", orders)
