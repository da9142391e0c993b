"""What the storefront home page shows."""
from sqlalchemy import select

from app.extensions import db
from app.models.catalog import Category, Product
from app.models.shops import Shop, ShopStatus
from app.models.site import SiteConfig
from app.services.catalog.cards import card_columns, cards_of
from app.services.catalog.changes import cached
from app.services.catalog.visibility import visible_products

HERO_FIELDS = ("banner_url", "banner_title", "banner_subtitle", "logo_url")


def site_config():
    return db.session.scalars(select(SiteConfig).limit(1)).first()


def hero():
    """The home page's banner texts and images ({field: value}, or None with no site config).

    Cached with the catalogue's generation, which an admin's edit turns.
    """
    def load():
        site = site_config()
        return {name: getattr(site, name) for name in HERO_FIELDS} if site else None

    return cached("home-hero", (), load)


def top_categories(limit=8):
    query = (select(Category).where(Category.parent_id.is_(None))
             .order_by(Category.position, Category.name).limit(limit))
    return db.session.scalars(query).all()


def _card_query():
    # Cards are rows of a few columns (shop name and first image included): no entities,
    # no extra queries for images and shops.
    return visible_products().with_only_columns(*card_columns())


def new_arrivals(limit=8):
    query = _card_query().order_by(Product.created_at.desc(), Product.id.desc())
    return cards_of(query.limit(limit))


def top_rated(limit=8):
    query = _card_query().order_by(Product.rating_avg.desc(), Product.rating_count.desc())
    return cards_of(query.limit(limit))


def top_shops(limit=6):
    query = (select(Shop).where(Shop.status == ShopStatus.ACTIVE, Shop.deleted_at.is_(None))
             .order_by(Shop.rating_avg.desc(), Shop.followers_count.desc()).limit(limit))
    return db.session.scalars(query).all()
