"""The shops directory and a shop's public page: lookups, filters, sorts and paging."""
from dataclasses import dataclass

from sqlalchemy import case, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models.catalog import Category, Product, Review
from app.models.shops import Shop, ShopStatus
from app.services.catalog.visibility import visible_products

SHOPS_PER_PAGE = 12
SHOP_PRODUCTS_PER_PAGE = 12
SHOP_REVIEWS_SHOWN = 10
# Deeper than anyone pages by hand; keeps OFFSET within what every database accepts.
MAX_PAGE = 10_000

SHOP_SORTS = {
    "rating": (Shop.rating_avg.desc(), Shop.rating_count.desc(), Shop.id),
    "followers": (Shop.followers_count.desc(), Shop.id),
    "newest": (Shop.created_at.desc(), Shop.id.desc()),
}
_price = case(
    (Product.sale_price_cents < Product.regular_price_cents, Product.sale_price_cents),
    else_=Product.regular_price_cents,
)
PRODUCT_SORTS = {
    "newest": (Product.created_at.desc(), Product.id.desc()),
    "price_asc": (_price, Product.id),
    "price_desc": (_price.desc(), Product.id),
    "rating": (Product.rating_avg.desc(), Product.rating_count.desc(), Product.id),
}


class ShopNotFound(Exception):
    """No shop shoppers may see has that slug."""


def paginate(query, page, per_page):
    """A Flask-SQLAlchemy page of `query`; a page past the end shows the last page."""
    page = min(max(int(page or 1), 1), MAX_PAGE)
    result = db.paginate(query, page=page, per_page=per_page, max_per_page=per_page,
                         error_out=False)
    if result.pages and page > result.pages:
        result = db.paginate(query, page=result.pages, per_page=per_page,
                             max_per_page=per_page, error_out=False)
    return result


def visible_shops():
    return select(Shop).where(Shop.status == ShopStatus.ACTIVE, Shop.deleted_at.is_(None))


def shops_selling_in(category_id):
    """Ids of shops with visible products in the category (top-level or subcategory)."""
    return (
        visible_products()
        .where(or_(Product.category_id == category_id, Product.subcategory_id == category_id))
        .with_only_columns(Product.shop_id)
        .distinct()
    )


def category_by_slug(slug):
    if not slug:
        return None
    return db.session.scalars(select(Category).filter_by(slug=slug[:100])).first()


def category_choices():
    query = select(Category).where(Category.parent_id.is_(None)).order_by(
        Category.position, Category.name)
    return db.session.scalars(query).all()


@dataclass
class ShopFilters:
    category_id: int | None = None
    country: str | None = None
    min_rating: float | None = None
    sort: str = "rating"


def list_shops(filters, page):
    query = visible_shops()
    if filters.category_id is not None:
        query = query.where(Shop.id.in_(shops_selling_in(filters.category_id)))
    if filters.country:
        query = query.where(Shop.country == filters.country)
    if filters.min_rating:
        query = query.where(Shop.rating_avg >= filters.min_rating)
    query = query.order_by(*SHOP_SORTS.get(filters.sort, SHOP_SORTS["rating"]))
    return paginate(query, page, SHOPS_PER_PAGE)


def shop_countries():
    """The countries visible shops are in, for the filter."""
    query = (visible_shops().with_only_columns(Shop.country).where(Shop.country.is_not(None))
             .distinct().order_by(Shop.country))
    return db.session.scalars(query).all()


def get_visible_shop(slug):
    shop = db.session.scalars(visible_shops().where(Shop.slug == (slug or "")[:140])).first()
    if shop is None:
        raise ShopNotFound("That shop does not exist or is closed.")
    return shop


def shop_products(shop_id, sort, page):
    query = (visible_products().where(Product.shop_id == shop_id)
             .options(selectinload(Product.images), joinedload(Product.shop))
             .order_by(*PRODUCT_SORTS.get(sort, PRODUCT_SORTS["newest"])))
    return paginate(query, page, SHOP_PRODUCTS_PER_PAGE)


def shop_reviews(shop_id, limit=SHOP_REVIEWS_SHOWN):
    """The shop's own reviews (not of a product), newest first."""
    query = (select(Review).where(Review.shop_id == shop_id, Review.product_id.is_(None))
             .options(joinedload(Review.user))
             .order_by(Review.created_at.desc(), Review.id.desc()).limit(limit))
    return db.session.scalars(query).all()
