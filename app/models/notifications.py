"""In-app notifications sent to one user, optionally by another."""
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    # Serves the unread badge and the receiver foreign key alike.
    __table_args__ = (
        Index("ix_notifications_receiver_id_is_read", "receiver_id", "is_read"),
        # The notifications page lists one person's newest first.
        Index("ix_notifications_receiver_id_created_at", "receiver_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    creator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    receiver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    is_read: Mapped[bool] = mapped_column(Boolean, default=False)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    def mark_read(self, now=None):
        if not self.is_read:
            self.is_read = True
            self.read_at = now or utcnow()
