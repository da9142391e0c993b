"""Product descriptions sanitised once, when written, and shown from the stored result."""
import hashlib

from markupsafe import Markup
from sqlalchemy import bindparam, event, select

from app.extensions import db
from app.models.catalog import Product
from app.text.sanitize import clean_html, plain_text_of_clean

EXCERPT_CHARS = 160


def digest(raw):
    """Which seller text the stored clean HTML and excerpt were made from."""
    return hashlib.sha256((raw or "").encode()).hexdigest()[:32]


def description_columns(raw):
    """The stored, shown forms of a description: every write of description_html sets these.

    Bulk inserts (the seeder) put this dict into their rows; ORM writes get it from the
    listener below.
    """
    if not raw:
        return {"description_clean": None, "description_excerpt": None,
                "description_digest": digest(raw)}
    cleaned = str(clean_html(raw))
    return {"description_clean": cleaned,
            "description_excerpt": plain_text_of_clean(cleaned, EXCERPT_CHARS),
            "description_digest": digest(raw)}


@event.listens_for(Product.description_html, "set")
def _sanitise_on_write(product, value, _old, _initiator):
    for column, shown in description_columns(value).items():
        setattr(product, column, shown)


def shown_description(raw, clean, excerpt, stored_digest):
    """(safe HTML, plain excerpt) to show for a product's description.

    The stored forms when they were made from this very text; otherwise (a row written
    around description_columns(), or before the columns existed) sanitised now.
    """
    if not raw:
        return Markup(""), ""
    if stored_digest == digest(raw) and clean is not None:
        return Markup(clean), excerpt or ""
    shown = description_columns(raw)
    return Markup(shown["description_clean"]), shown["description_excerpt"]


_STORED = Product.__table__.update().where(Product.__table__.c.id == bindparam("row_id"))


def refresh_stored_descriptions(chunk=500):
    """Store the shown forms of every description written around description_columns() (or
    before the columns existed); returns how many rows were refreshed. Commits per chunk, so
    it can run on a live site and be resumed."""
    refreshed, after = 0, 0
    while True:
        rows = db.session.execute(
            select(Product.id, Product.description_html, Product.description_digest)
            .where(Product.id > after).order_by(Product.id).limit(chunk)).all()
        if not rows:
            return refreshed
        after = rows[-1].id
        stale = [{"row_id": row.id, **description_columns(row.description_html)}
                 for row in rows if row.description_digest != digest(row.description_html)]
        if stale:
            db.session.execute(_STORED, stale)
            db.session.commit()
            refreshed += len(stale)
