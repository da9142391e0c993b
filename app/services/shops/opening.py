"""Opening and looking up shops."""
from sqlalchemy import select

from app.extensions import db
from app.models.accounts import Role
from app.models.shops import Shop, ShopSettings
from app.text.slugs import unique_slug


class ShopError(Exception):
    """A shop request was refused; `str(error)` is a message for the person."""


def shop_of(user_id):
    return db.session.scalars(
        select(Shop).filter_by(user_id=user_id).where(Shop.deleted_at.is_(None))
    ).first()


def create_shop(owner, name, description="", country=None, city=None, phone=None):
    """Open the seller's one shop, with default settings."""
    if owner.role != Role.SELLER:
        raise ShopError("Only seller accounts can open a shop.")
    if db.session.scalars(select(Shop.id).filter_by(user_id=owner.id)).first() is not None:
        raise ShopError("You already have a shop.")
    shop = Shop(
        user_id=owner.id,
        name=name.strip(),
        slug=unique_slug(Shop, name),
        description=(description or "").strip() or None,
        country=(country or "").upper() or None,
        city=(city or "").strip() or None,
        email=owner.email,
        phone=(phone or "").strip() or None,
    )
    shop.settings = ShopSettings()
    db.session.add(shop)
    db.session.commit()
    return shop
