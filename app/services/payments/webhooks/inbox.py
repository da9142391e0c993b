"""The webhook inbox: store a verified event once, hand out due batches, record results."""
# A replayed delivery of a stored event costs one INSERT that conflicts and writes nothing
# (unless the event is still pending: then it is made due at once, since the provider
# delivering it again is as good a reason as any to retry it now).
import functools
import logging
from datetime import timedelta

from sqlalchemy import JSON, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models.base import utcnow
from app.models.webhooks import WebhookInboxEvent
from app.services.payments.webhooks.events import provider_name

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # then the event stays in the inbox, pending, for a person to look at
RETRY_DELAYS = (5, 30, 120, 600)  # seconds before attempt 2, 3, 4, and every later one
KEEP_PROCESSED = timedelta(days=30)  # Stripe stops retrying an event after 3 days
Inbox = WebhookInboxEvent.__table__


@functools.cache
def _store_statement(dialect):
    """The upsert store() runs, with bound parameters: built once, since building it cost
    more than running it (this is every webhook request)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Inbox).values(
        provider=bindparam("provider"), event_id=bindparam("event_id"),
        event_type=bindparam("event_type"), payload=bindparam("payload", type_=JSON),
        received_at=bindparam("now"), due_at=bindparam("now"), attempts=0)
    return statement.on_conflict_do_update(
        index_elements=["provider", "event_id"], set_={"due_at": statement.excluded.due_at},
        where=Inbox.c.processed_at.is_(None)).returning(Inbox.c.id)


def store(event):
    """Commit the verified `event` to the inbox; True when it is (still) waiting to be handled."""
    statement = _store_statement(db.session.get_bind().dialect.name)
    params = {"provider": provider_name(), "event_id": event["id"],
              "event_type": event["type"], "payload": event, "now": utcnow()}
    try:
        stored = db.session.execute(statement, params).first() is not None
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return stored


def claim_due(limit):
    """Up to `limit` due, pending events as (id, event_id, attempts, payload) rows, oldest first.

    On PostgreSQL the rows stay locked (FOR UPDATE SKIP LOCKED) until the caller commits, so
    concurrent drains take disjoint batches instead of waiting for each other.
    """
    query = (select(Inbox.c.id, Inbox.c.event_id, Inbox.c.attempts, Inbox.c.payload)
             .where(Inbox.c.processed_at.is_(None), Inbox.c.due_at <= utcnow(),
                    Inbox.c.attempts < MAX_ATTEMPTS)
             .order_by(Inbox.c.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.execute(query).all()


def reclaim(ids):
    """The rows of `ids` still pending, claimed again (after the batch was rolled back)."""
    query = (select(Inbox.c.id, Inbox.c.event_id, Inbox.c.attempts, Inbox.c.payload)
             .where(Inbox.c.id.in_(ids), Inbox.c.processed_at.is_(None)).order_by(Inbox.c.id))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.execute(query).all()


def mark_processed(outcomes):
    """Record handled events: {inbox id: outcome status}, one UPDATE per status (no commit)."""
    now, by_status = utcnow(), {}
    for row_id, status in outcomes.items():
        by_status.setdefault(status, []).append(row_id)
    for status, ids in by_status.items():
        db.session.execute(update(WebhookInboxEvent).where(
            WebhookInboxEvent.id.in_(ids), WebhookInboxEvent.processed_at.is_(None))
            .values(processed_at=now, outcome=status[:24], last_error=None)
            .execution_options(synchronize_session=False))


def retry_delay(attempts):
    """Seconds to wait before the attempt after `attempts` failed ones."""
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def mark_failed(row, error):
    """Record a failed attempt of one claimed row and when it is due again (no commit)."""
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        log.error("webhook event %s failed %d times and is left in the inbox: %s",
                  row.event_id, attempts, error)
    db.session.execute(update(WebhookInboxEvent).where(WebhookInboxEvent.id == row.id).values(
        attempts=attempts, last_error=repr(error)[:500],
        due_at=utcnow() + timedelta(seconds=retry_delay(attempts)))
        .execution_options(synchronize_session=False))


def pending_count():
    """How many events wait (due or not), for the bench and the admin."""
    return db.session.scalar(select(func.count()).select_from(Inbox).where(
        Inbox.c.processed_at.is_(None)))


def purge_processed(older_than=KEEP_PROCESSED):
    """Delete handled events older than `older_than` (commits); how many went.

    A delivery after that is stored again and dispatched, and its processed_webhook_events
    marker, which is kept, makes it a no-op: the inbox is not the only guard.
    """
    deleted = db.session.execute(delete(WebhookInboxEvent).where(
        WebhookInboxEvent.processed_at < utcnow() - older_than)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return deleted
