"""Rows of a statement as plain tuples, for reads that want values rather than entities."""
from app.extensions import db


def raw_rows(statement, parameters=None):
    """All rows of a Core `statement` as tuples, in the session's transaction.

    Run on the session's connection, not through Session.execute: the ORM's execution path
    (events, entity loading options) costs more than one of the product page's small
    queries on SQLite; a Core select needs none of it.
    """
    return [tuple(row) for row in db.session.connection().execute(statement, parameters)]
