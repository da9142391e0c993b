"""Rows exactly as the DB-API driver returns them, for hot statements of plain columns."""
from app.extensions import db


def raw_rows(statement, parameters=None):
    """All rows of `statement` as the driver's tuples, on the session's connection (same
    transaction). SQLAlchemy's Row objects and result processing cost as much as the query
    for a few dozen rows (or 100k): only for columns whose raw values need no processing
    (integers, text, floats, text-valued enums; not dates, JSON or decimals)."""
    result = db.session.connection().execute(statement, parameters)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()
