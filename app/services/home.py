"""What the storefront home page shows."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.catalog import Category, Product
from app.models.shops import Shop, ShopStatus
from app.models.site import SiteConfig
from app.services.catalog import visible_products


def site_config():
    return db.session.scalars(select(SiteConfig).limit(1)).first()


def top_categories(limit=8):
    query = (select(Category).where(Category.parent_id.is_(None))
             .order_by(Category.position, Category.name).limit(limit))
    return db.session.scalars(query).all()


def _visible_products():
    return visible_products().options(selectinload(Product.images), selectinload(Product.shop))


def new_arrivals(limit=8):
    query = _visible_products().order_by(Product.created_at.desc(), Product.id.desc())
    return db.session.scalars(query.limit(limit)).all()


def top_rated(limit=8):
    query = _visible_products().order_by(Product.rating_avg.desc(), Product.rating_count.desc())
    return db.session.scalars(query.limit(limit)).all()


def top_shops(limit=6):
    query = (select(Shop).where(Shop.status == ShopStatus.ACTIVE, Shop.deleted_at.is_(None))
             .order_by(Shop.rating_avg.desc(), Shop.followers_count.desc()).limit(limit))
    return db.session.scalars(query).all()
