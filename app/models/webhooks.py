"""The webhook inbox: verified provider events stored on receipt, processed in batches."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.orders import PaymentProvider, _enum

PENDING = text("processed_at IS NULL")


class WebhookInboxEvent(Base):
    """One verified provider event, stored once however often it is delivered.

    The unique (provider, event_id) key makes a replayed delivery a no-op at the door; the
    row stays pending (processed_at NULL) until a drain job has handled it in the same
    transaction as its orders. A failed attempt is recorded and the row is due again later.
    """

    __tablename__ = "webhook_inbox"
    __table_args__ = (
        UniqueConstraint("provider", "event_id"),
        # Only pending rows are ever scanned: a small partial index however big the table grows.
        Index("ix_webhook_inbox_pending", "due_at", "id", postgresql_where=PENDING,
              sqlite_where=PENDING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[PaymentProvider] = mapped_column(_enum(PaymentProvider))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(500))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(24))
