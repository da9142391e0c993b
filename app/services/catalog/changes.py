"""How many changes SQLite has counted to what the catalogue snapshot and cards read.

Triggers of migration 0007 bump the counter; PostgreSQL has none (every catalogue write
would queue on its one row), so there the answer is None and callers read afresh.
"""
from sqlalchemy import column, select, table

from app.db.rows import Prepared
from app.extensions import db

_CHANGES = table("catalog_changes", column("id"), column("version"))
_VERSION = Prepared(select(_CHANGES.c.version).where(_CHANGES.c.id == 1))


def catalog_version():
    """The count, read in the session's transaction, or None where nothing is counted."""
    if db.session.connection().dialect.name != "sqlite":
        return None
    rows = _VERSION.rows()
    return rows[0][0] if rows else None
