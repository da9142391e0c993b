"""A lease in the database: one `leases` row with an expiry that one process at a time may hold.

Taking or renewing it is one atomic upsert, on SQLite and PostgreSQL alike.
"""
import os
import secrets
import time

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from app.models.infrastructure import Lease as LeaseRow

_table = LeaseRow.__table__
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class Lease:
    """Held by whoever last took it, until `seconds` after its last renewal."""

    def __init__(self, name, seconds):
        self.name = name
        self.seconds = seconds
        self._pid = self._token = None

    @property
    def token(self):
        """This process's holder id: random, so processes on several hosts never share one,
        and drawn again after a fork (gunicorn builds the app once, then forks the workers)."""
        if self._pid != os.getpid():
            self._pid, self._token = os.getpid(), secrets.token_hex(16)
        return self._token

    def acquire(self, engine, now=None):
        """Take the lease if it is free or expired, or renew it if this holder has it; True
        when this holder has it now."""
        at = time.time() if now is None else now
        insert = _INSERTS[engine.dialect.name](_table).values(
            name=self.name, holder=self.token, expires_at=at + self.seconds)
        upsert = insert.on_conflict_do_update(
            index_elements=[_table.c.name],
            set_={"holder": insert.excluded.holder, "expires_at": insert.excluded.expires_at},
            where=(_table.c.holder == self.token) | (_table.c.expires_at <= at),
        ).returning(_table.c.holder)
        with engine.begin() as conn:
            return conn.execute(upsert).scalar() == self.token

    def release(self, engine):
        """Give the lease up if this holder has it, so another process need not wait it out."""
        with engine.begin() as conn:
            conn.execute(delete(_table).where(_table.c.name == self.name,
                                              _table.c.holder == self.token))
