"""Rate-limit counters in the app's database, for deployments without Redis.

Flask-Limiter's `memory://` storage counts in each process, so N page workers let N times
the limit through. This `limits` storage (registered for `bazaar-db://`) keeps fixed windows
in the `rate_limits` table instead: one atomic upsert per hit, on a connection and
transaction of its own (never the request's `db.session`), on SQLite and PostgreSQL alike.
It serves the fixed-window strategy only (RATELIMIT_STRATEGY).
"""
import hashlib
import time

from limits.storage import Storage
from sqlalchemy import case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models.infrastructure import RateLimitCounter

SCHEME = "bazaar-db"
# Expired windows are deleted by the hits themselves, at most this often per process.
SWEEP_SECONDS = 300
_KEY_LENGTH = RateLimitCounter.key.type.length
_table = RateLimitCounter.__table__
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def now():
    """The clock; tests move it instead of sleeping."""
    return time.time()


def _engine():
    # The current app's engine: one Limiter serves every app in the process (tests build
    # several), and each app's limits belong in its own database.
    return db.engine


def _key(key):
    """Keys hold client input (an email address): long ones are hashed to fit the column."""
    if len(key) <= _KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limits` table."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        # Options meant for another storage (one Limiter, several apps in tests) are ignored.
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self._swept_at = 0.0

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key, expiry, amount=1):
        """Add `amount` to the key's window (a new one if it has expired); the new count."""
        at = now()
        engine = _engine()
        insert = _INSERTS[engine.dialect.name](_table).values(
            key=_key(key), count=amount, expires_at=at + expiry)
        expired = _table.c.expires_at <= at
        upsert = insert.on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={
                "count": case((expired, insert.excluded.count),
                              else_=_table.c.count + insert.excluded.count),
                "expires_at": case((expired, insert.excluded.expires_at),
                                   else_=_table.c.expires_at),
            },
        ).returning(_table.c.count)
        with engine.begin() as conn:
            count = conn.execute(upsert).scalar_one()
        if at - self._swept_at > SWEEP_SECONDS:
            # A transaction of its own, so the hit's row lock is not held while sweeping.
            self._swept_at = at
            with engine.begin() as conn:
                conn.execute(delete(_table).where(_table.c.expires_at <= at))
        return count

    def _live(self, column, key):
        with _engine().connect() as conn:
            return conn.execute(select(column).where(
                _table.c.key == _key(key), _table.c.expires_at > now())).scalar()

    def get(self, key):
        return self._live(_table.c.count, key) or 0

    def get_expiry(self, key):
        return self._live(_table.c.expires_at, key) or now()

    def clear(self, key):
        with _engine().begin() as conn:
            conn.execute(delete(_table).where(_table.c.key == _key(key)))

    def reset(self):
        with _engine().begin() as conn:
            return conn.execute(delete(_table)).rowcount

    def check(self):
        try:
            with _engine().connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False
