"""URL slugs that stay unique within a table."""
import secrets

from slugify import slugify
from sqlalchemy import select

from app.extensions import db


def unique_slug(model, text, max_length=120):
    base = slugify(text or "", max_length=max_length - 7) or "item"
    candidate = base
    while db.session.scalars(select(model.id).filter_by(slug=candidate)).first() is not None:
        candidate = f"{base}-{secrets.token_hex(3)}"
    return candidate
