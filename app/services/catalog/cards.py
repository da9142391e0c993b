"""Product cards for grids: the few columns a card shows, read as rows, not as full entities."""
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import bindparam, select

from app.db.rows import raw_rows
from app.models.catalog import Product, ProductImage, ProductStatus, SalePricing
from app.models.shops import Shop, ShopStatus


@dataclass(frozen=True)
class ProductCard(SalePricing):
    """What _macros/_cards.html product_card() reads, spelled like the Product it stands for."""

    id: int
    slug: str
    title: str
    regular_price_cents: int
    sale_price_cents: int | None
    currency: str
    rating_avg: float | None
    rating_count: int | None
    shop: SimpleNamespace
    images: tuple


_first_image = (select(ProductImage.url).where(ProductImage.product_id == Product.id)
                .order_by(ProductImage.position, ProductImage.id).limit(1)
                .correlate(Product).scalar_subquery())

# Built once: only the ids change between requests, so the statement is neither rebuilt nor
# re-coerced per request. Visibility (the terms of catalog.visible_products()) is checked on
# the rows in Python: with those terms in SQL, SQLite prefers walking a (status, deleted_at)
# index over a few rowid lookups. Either way a product hidden or deleted a moment ago is
# never a card.
_CARDS = (
    select(Product.id, Product.slug, Product.title, Product.regular_price_cents,
           Product.sale_price_cents, Product.currency, Product.rating_avg,
           Product.rating_count, Shop.name, _first_image, Product.status,
           Product.deleted_at, Shop.status, Shop.deleted_at)
    .join(Shop, Shop.id == Product.shop_id)
)
_CARDS_BY_ID = _CARDS.where(Product.id.in_(bindparam("ids", expanding=True)))


def _visible(row):
    return (row[10] == ProductStatus.ACTIVE and row[11] is None
            and row[12] == ShopStatus.ACTIVE and row[13] is None)


def _card(row):
    shop = SimpleNamespace(name=row[8])
    images = (SimpleNamespace(url=row[9]),) if row[9] else ()
    return ProductCard(*row[:8], shop=shop, images=images)


def visible_cards_by_id(ids):
    """{id: card} of the products among `ids` shoppers may see now (read fresh)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    return {row[0]: _card(row) for row in raw_rows(_CARDS_BY_ID, {"ids": ids}) if _visible(row)}


def visible_cards(ids):
    """Cards of the products among `ids` shoppers may see now, in the order of `ids`."""
    by_id = visible_cards_by_id(ids)
    return [by_id[i] for i in ids if i in by_id]


def cards_of(statement):
    """Cards for a select whose columns are card_columns() (e.g. home-page sections)."""
    return [_card(row) for row in raw_rows(statement)]


def card_columns():
    return (Product.id, Product.slug, Product.title, Product.regular_price_cents,
            Product.sale_price_cents, Product.currency, Product.rating_avg,
            Product.rating_count, Shop.name, _first_image)
