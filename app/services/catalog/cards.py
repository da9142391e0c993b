"""Product cards for grids: the few columns a card shows, read as rows, not as full entities."""
import json
import time
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import bindparam, func, select

from app.db.rows import Prepared, raw_rows
from app.extensions import db
from app.models.catalog import Product, ProductImage, ProductStatus, SalePricing
from app.models.shops import Shop, ShopStatus
from app.services.catalog.changes import catalog_version
from app.services.catalog.listing.filters import cache_seconds


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
# On SQLite the ids go as one JSON array, so the SQL is the same for any number of them and
# is compiled once (rows.Prepared); an expanding IN is rendered anew on every execution.
RECENT_CARDS = 4096  # sets of ids (a grid or a page's neighbours), forgotten all at once when full
_recent_cards = {}  # (catalogue version, ids) -> (read at, {id: card})
_CARDS_BY_JSON_IDS = Prepared(_CARDS.where(Product.id.in_(
    select(func.json_each(bindparam("ids")).table_valued("value").c.value))), processed=False)


def _visible(row):
    return (row[10] == ProductStatus.ACTIVE and row[11] is None
            and row[12] == ShopStatus.ACTIVE and row[13] is None)


def _card(row):
    shop = SimpleNamespace(name=row[8])
    images = (SimpleNamespace(url=row[9]),) if row[9] else ()
    return ProductCard(*row[:8], shop=shop, images=images)


def visible_cards_by_id(ids):
    """{id: card} of the products among `ids` shoppers may see now."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    return dict(_cards_by_id(ids))


def _read_cards(rows):
    return {row[0]: _card(row) for row in rows if _visible(row)}


def _cards_by_id(ids):
    """The visible cards among `ids` as they are now. On SQLite the same ids' cards (frozen,
    so shared) are reused while the catalogue change counter stands (it counts every column a
    card reads, and visibility), and for LISTING_CACHE_SECONDS at most; elsewhere they are
    read every time."""
    if db.session.connection().dialect.name != "sqlite":
        # Plain columns: the driver's rows, without the ORM's or Core's row processing.
        return _read_cards(raw_rows(_CARDS_BY_ID, {"ids": ids}))
    ttl = cache_seconds()
    version = catalog_version() if ttl > 0 else None
    key = (version, tuple(ids))
    found = _recent_cards.get(key) if version is not None else None
    if found is not None and time.monotonic() - found[0] < ttl:
        return found[1]
    cards = _read_cards(_CARDS_BY_JSON_IDS.rows(ids=json.dumps(ids)))
    if version is not None:
        if len(_recent_cards) >= RECENT_CARDS:
            _recent_cards.clear()
        _recent_cards[key] = (time.monotonic(), cards)
    return cards


def clear():
    _recent_cards.clear()


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
