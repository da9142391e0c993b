"""Exactly-once bookkeeping: provider events (and after-commit steps) already handled."""
from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models.base import utcnow
from app.models.orders import PaymentProvider, ProcessedWebhookEvent


def provider_name():
    """The payment provider this app is configured for."""
    if current_app.config.get("STRIPE_SECRET_KEY"):
        return PaymentProvider.STRIPE
    return PaymentProvider.OFFLINE


def seen(event_id):
    return db.session.scalar(select(ProcessedWebhookEvent.id).where(
        ProcessedWebhookEvent.provider == provider_name(),
        ProcessedWebhookEvent.event_id == event_id)) is not None


def claim(event_id, event_type):
    """Record `event_id` as handled, in the caller's transaction, before doing its work.

    One INSERT ... ON CONFLICT DO NOTHING on the unique (provider, event_id) key: it returns
    no row when the event was handled already, or when a concurrent handler got there first
    (on PostgreSQL the insert waits for that transaction and finds the row once it commits).
    Returns False then, after rolling back, so the caller must stop. The caller commits the
    marker together with the work, which makes a replay a no-op.
    """
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
        ProcessedWebhookEvent).values(
        provider=provider_name(), event_id=event_id[:255],
        event_type=(event_type or "unknown")[:64], processed_at=utcnow())
    inserted = db.session.execute(statement.on_conflict_do_nothing(
        index_elements=["provider", "event_id"]).returning(ProcessedWebhookEvent.id)).first()
    if inserted is None:
        db.session.rollback()
        return False
    return True


def claim_step(name):
    """Claim and commit an after-commit step (an email batch, say) so it runs at most once."""
    claimed = claim(f"bazaar:{name}", "bazaar.step")
    if claimed:
        db.session.commit()
    return claimed


def step_done(name):
    return seen(f"bazaar:{name}")
