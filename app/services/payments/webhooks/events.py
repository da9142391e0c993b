"""Exactly-once bookkeeping: provider events (and after-commit steps) already handled."""
import functools

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models.base import utcnow
from app.models.orders import PaymentProvider, ProcessedWebhookEvent
from app.services.orders.fulfilment import writes

Markers = ProcessedWebhookEvent.__table__


def provider_name():
    """The payment provider this app is configured for."""
    if current_app.config.get("STRIPE_SECRET_KEY"):
        return PaymentProvider.STRIPE
    return PaymentProvider.OFFLINE


@functools.cache
def _insert_statement(dialect):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Markers).on_conflict_do_nothing(
        index_elements=["provider", "event_id"]).returning(Markers.c.event_id)


def _insert(rows):
    """INSERT ... ON CONFLICT DO NOTHING of marker rows; the event ids that were new.

    One statement built once and run for all rows (SQLAlchemy packs them into multi-row
    VALUES itself), rather than a VALUES clause compiled anew for every batch size.
    """
    statement = _insert_statement(db.session.get_bind().dialect.name)
    return set(db.session.scalars(statement, rows))


def _row(event_id, event_type, provider, now):
    return {"provider": provider, "event_id": event_id[:255],
            "event_type": (event_type or "unknown")[:64], "processed_at": now}


def mark(event_id, event_type):
    """Record `event_id` as handled in the caller's transaction; False if it already was.

    One INSERT ... ON CONFLICT DO NOTHING on the unique (provider, event_id) key: it inserts
    nothing when the event was handled already, or when a concurrent handler got there first
    (on PostgreSQL the insert waits for that transaction and finds the row once it commits).
    The caller commits the marker together with the work, which makes a replay a no-op; on
    False it must do nothing (inside a batch the transaction holds other events' work, so
    nothing is rolled back here).
    """
    batch = writes.current()
    if batch is not None:  # premark() inserted the batch's markers already
        if event_id[:255] in batch.markers:
            batch.markers.discard(event_id[:255])
            return True
        return False
    return bool(_insert([_row(event_id, event_type, provider_name(), utcnow())]))


def premark(events):
    """mark() every event of a deferred batch in one statement, up front."""
    batch = writes.current()
    provider, now = provider_name(), utcnow()
    rows = {e["id"][:255]: _row(e["id"], e["type"], provider, now) for e in events}
    batch.markers = _insert(list(rows.values())) if rows else set()


def mark_steps(names):
    """Mark after-commit steps done in the caller's transaction, in one statement; the names
    that were not marked before (the caller does their work and commits)."""
    if not names:
        return []
    provider, now = provider_name(), utcnow()
    new = _insert([_row(f"bazaar:{name}", "bazaar.step", provider, now) for name in names])
    return [name for name in names if f"bazaar:{name}"[:255] in new]


def steps_done(names):
    """The names among `names` whose step was claimed (one query)."""
    keys = {f"bazaar:{name}"[:255]: name for name in names}
    if not keys:
        return set()
    found = db.session.scalars(select(ProcessedWebhookEvent.event_id).where(
        ProcessedWebhookEvent.provider == provider_name(),
        ProcessedWebhookEvent.event_id.in_(sorted(keys))))
    return {keys[key] for key in found}
