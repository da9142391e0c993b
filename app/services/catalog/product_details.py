"""A visible product as the page shows it, read fresh as plain rows: no ORM entities.

One query for the product with its shop, categories, live event, review counts and whether
it was ever ordered; one for its images, one for its variants. Every statement is built once,
at import, and only its parameters change: loading entities, or composing the statements per
request, cost several times more CPU than running these queries.
"""
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from app.db.rows import raw_rows
from app.models.catalog import (
    Category,
    Event,
    Product,
    ProductImage,
    ProductVariant,
    SalePricing,
)
from app.models.orders import OrderItem
from app.models.shops import Shop
from app.services.catalog.offers import live_event_id
from app.services.catalog.reviews import rating_count
from app.services.catalog.visibility import visible_products

SLUG_MAX = 160


@dataclass(frozen=True)
class ShopSummary:
    id: int
    user_id: int
    slug: str
    name: str
    logo_url: str | None
    city: str | None
    country: str | None
    rating_avg: float
    rating_count: int
    followers_count: int


@dataclass(frozen=True)
class CategoryLink:
    slug: str
    name: str


@dataclass(frozen=True)
class LiveEvent:
    id: int
    title: str
    discount_percent: int
    ends_at: object


@dataclass(frozen=True)
class Image:
    url: str
    alt: str | None


@dataclass(frozen=True)
class Variant:
    id: int
    sku: str
    color: str
    size: str
    stock: int
    price_cents: int | None

    @property
    def label(self):
        return " / ".join(p for p in (self.color, self.size) if p)


@dataclass(frozen=True)
class ProductDetails(SalePricing):
    """What the page reads of a product, spelled like the Product it stands for."""

    id: int
    shop_id: int
    category_id: int
    subcategory_id: int | None
    slug: str
    title: str
    brand: str | None
    currency: str
    regular_price_cents: int
    sale_price_cents: int | None
    rating_avg: float
    rating_count: int
    specifications: object
    description_html: str | None
    description_clean: str | None
    description_excerpt: str | None
    description_digest: str | None
    shop: ShopSummary
    category: CategoryLink
    subcategory: CategoryLink | None
    images: tuple
    variants: tuple
    live_event: LiveEvent | None  # the shop's live event that sets the price now
    rating_counts: dict  # {stars: reviews}, read with the product, never cached
    ever_ordered: bool  # is it in any order (so "customers also bought" has data)?

    def unit_price_cents(self, variant):
        return variant.price_cents if variant.price_cents is not None else self.price_cents


_PRODUCT_COLUMNS = (Product.id, Product.shop_id, Product.category_id, Product.subcategory_id,
                    Product.slug, Product.title, Product.brand, Product.currency,
                    Product.regular_price_cents, Product.sale_price_cents, Product.rating_avg,
                    Product.rating_count, Product.specifications, Product.description_html,
                    Product.description_clean, Product.description_excerpt,
                    Product.description_digest)
_SHOP_COLUMNS = (Shop.id, Shop.user_id, Shop.slug, Shop.name, Shop.logo_url, Shop.city,
                 Shop.country, Shop.rating_avg, Shop.rating_count, Shop.followers_count)
_top, _sub, _event = aliased(Category), aliased(Category), aliased(Event)
_STARS = (5, 4, 3, 2, 1)
_EXTRA_COLUMNS = (_top.slug, _top.name, _sub.slug, _sub.name, _event.id, _event.title,
                  _event.discount_percent, _event.ends_at,
                  *(rating_count(Product.id, stars) for stars in _STARS),
                  select(OrderItem.id).where(OrderItem.product_id == Product.id).exists())

# Visibility is in the WHERE clause (visible_products()): a product hidden a moment ago is
# not found.
_BY_SLUG = (visible_products()
            .with_only_columns(*_PRODUCT_COLUMNS, *_SHOP_COLUMNS, *_EXTRA_COLUMNS)
            .join(_top, _top.id == Product.category_id)
            .outerjoin(_sub, _sub.id == Product.subcategory_id)
            .outerjoin(_event, _event.id == live_event_id(Product.id, Product.shop_id,
                                                          bindparam("now")))
            .where(Product.slug == bindparam("slug")))
_IMAGES = (select(ProductImage.url, ProductImage.alt)
           .where(ProductImage.product_id == bindparam("product_id"))
           .order_by(ProductImage.position, ProductImage.id))
_VARIANTS = (select(ProductVariant.id, ProductVariant.sku, ProductVariant.color,
                    ProductVariant.size, ProductVariant.stock, ProductVariant.price_cents)
             .where(ProductVariant.product_id == bindparam("product_id"))
             .order_by(ProductVariant.id))


def visible_product_details(slug, now):
    """The product shoppers may see under `slug` at `now`, or None."""
    rows = raw_rows(_BY_SLUG, {"slug": (slug or "")[:SLUG_MAX], "now": now})
    if not rows:
        return None
    row = rows[0]
    products, shops = len(_PRODUCT_COLUMNS), len(_SHOP_COLUMNS)
    (top_slug, top_name, sub_slug, sub_name, event_id, event_title, event_percent,
     event_ends_at, *counts, ever_ordered) = row[products + shops:]
    images = raw_rows(_IMAGES, {"product_id": row[0]})
    variants = raw_rows(_VARIANTS, {"product_id": row[0]})
    return ProductDetails(
        *row[:products],
        shop=ShopSummary(*row[products:products + shops]),
        category=CategoryLink(top_slug, top_name),
        subcategory=CategoryLink(sub_slug, sub_name) if sub_slug is not None else None,
        images=tuple(Image(*r) for r in images),
        variants=tuple(Variant(*r) for r in variants),
        live_event=(LiveEvent(event_id, event_title, event_percent, event_ends_at)
                    if event_id is not None else None),
        rating_counts=dict(zip(_STARS, counts, strict=True)),
        ever_ordered=bool(ever_ordered),
    )
