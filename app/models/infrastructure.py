"""What the infrastructure keeps in the database: rate-limit counters, jobs awaiting Redis,
leases."""
from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class RateLimitCounter(Base):
    """One fixed window of one rate limit (app/ratelimit_storage.py), shared by all workers."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    # Unix time, as the limits library counts: the window's end.
    expires_at: Mapped[float] = mapped_column(Float, nullable=False, index=True)


class DeferredJob(Base):
    """A job that could not be queued while Redis was down; re-queued when it is back."""

    __tablename__ = "deferred_jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    func: Mapped[str] = mapped_column(String(200), nullable=False)
    queue: Mapped[str] = mapped_column(String(40), nullable=False)
    # (args, kwargs) pickled, as RQ itself stores them, so the job gets exactly what it was given.
    payload: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    retries: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    run_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # a delayed job's
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class Lease(Base):
    """Something one process at a time may do (app/jobs/lease.py): held until `expires_at`."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[float] = mapped_column(Float, nullable=False)  # Unix time
