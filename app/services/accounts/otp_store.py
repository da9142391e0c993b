"""Where one-time-code state lives: the database, in every mode.

Redis used to hold it when configured, but a Redis restart (or an outage) lost every code,
lock and send window; a row survives both. One operation, `update(purpose, email, change)`,
loads the state, lets `change` edit it and saves it atomically, so concurrent guesses cannot
dodge the lock.
"""
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.models.accounts import OneTimeCode


@dataclass
class OtpState:
    code_hash: str | None = None
    expires_at: float = 0.0
    failed_attempts: int = 0
    locked_until: float = 0.0
    last_sent_at: float = 0.0
    window_started_at: float = 0.0
    sends_in_window: int = 0


def _ts(value):
    return value.replace(tzinfo=UTC).timestamp() if value else 0.0


def _dt(value):
    return datetime.fromtimestamp(value, UTC).replace(tzinfo=None) if value else None


class DatabaseOtpStore:
    def __init__(self, db):
        self.db = db

    def _lock_sqlite(self, purpose, email):
        """SQLite ignores FOR UPDATE and reads outside any transaction: a no-op write first
        takes its write lock, so the read and the write below cannot interleave with others."""
        if self.db.session.get_bind().dialect.name != "sqlite":
            return
        self.db.session.execute(
            update(OneTimeCode)
            .filter_by(purpose=purpose, email=email)
            .values(sends_in_window=OneTimeCode.sends_in_window)
            .execution_options(synchronize_session=False)
        )

    def _row(self, purpose, email):
        self._lock_sqlite(purpose, email)
        query = select(OneTimeCode).filter_by(purpose=purpose, email=email).with_for_update()
        row = self.db.session.scalars(query).first()
        if row is not None:
            return row
        try:
            with self.db.session.begin_nested():
                row = OneTimeCode(purpose=purpose, email=email)
                self.db.session.add(row)
        except IntegrityError:
            # Another request created it first; lock theirs.
            row = self.db.session.scalars(query).one()
        return row

    def peek(self, purpose, email):
        """The state without creating or locking anything (for read-only pages)."""
        row = self.db.session.scalars(
            select(OneTimeCode).filter_by(purpose=purpose, email=email)
        ).first()
        return self._state(row) if row is not None else OtpState()

    def update(self, purpose, email, change):
        row = self._row(purpose, email)
        state = self._state(row)
        try:
            value = change(state)
        except Exception:
            self._write(row, state)
            self.db.session.commit()
            raise
        self._write(row, state)
        self.db.session.commit()
        return value

    @staticmethod
    def _state(row):
        return OtpState(
            code_hash=row.code_hash,
            expires_at=_ts(row.expires_at),
            failed_attempts=row.failed_attempts or 0,
            locked_until=_ts(row.locked_until),
            last_sent_at=_ts(row.last_sent_at),
            window_started_at=_ts(row.window_started_at),
            sends_in_window=row.sends_in_window or 0,
        )

    @staticmethod
    def _write(row, state):
        row.code_hash = state.code_hash
        row.expires_at = _dt(state.expires_at)
        row.failed_attempts = state.failed_attempts
        row.locked_until = _dt(state.locked_until)
        row.last_sent_at = _dt(state.last_sent_at)
        row.window_started_at = _dt(state.window_started_at)
        row.sends_in_window = state.sends_in_window
