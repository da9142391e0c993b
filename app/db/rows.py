"""Rows of a statement as plain tuples, for reads that want values rather than entities."""
from app.extensions import db


def raw_rows(statement, parameters=None):
    """All rows of `statement` as tuples, run on the session (same transaction)."""
    return [tuple(row) for row in db.session.execute(statement, parameters)]
