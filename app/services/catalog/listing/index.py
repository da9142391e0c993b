"""The visible catalogue as columns in memory: the listing's filters, facet counts and sorts.

At 100k products every facet count was a scan of the matching products in SQL, and a search
ran its MATCH again for each count. One snapshot per process answers all of them with a few
NumPy operations instead, and a search matches once. A snapshot belongs to one generation of
the catalogue (app/services/catalog/changes.py), so any write shoppers can see is in the next
request's snapshot; nothing a purchase depends on is read from it: the product page and the
cart read their own prices and stock.
"""
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from flask import current_app, g
from sqlalchemy import case, func, select

from app import caching
from app.db.rows import raw_rows
from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Event, EventProduct, Product, ProductVariant
from app.services.catalog import changes, search
from app.services.catalog.visibility import visible_products

log = logging.getLogger(__name__)

NO_CODE = -1  # no brand, colour or size
SEARCHES_KEPT = 512  # matches of this many recent searches per snapshot

# No NULLs come back (coalesce), so columns become arrays in one C loop each. Read as raw
# DB-API rows (see rows.raw_rows): plain ints, strings and floats that need no result processing.
_PRODUCTS = visible_products().with_only_columns(
    Product.id, Product.category_id, func.coalesce(Product.subcategory_id, 0),
    Product.regular_price_cents, func.coalesce(Product.sale_price_cents, -1),
    func.coalesce(Product.brand, ""), Product.rating_avg, func.coalesce(Product.rating_count, 0),
    func.coalesce(Product.sold_count, 0),
).order_by(Product.created_at, Product.id)  # oldest first: reversed, it is "newest"
_VARIANTS = select(ProductVariant.product_id, func.coalesce(ProductVariant.color, ""),
                   func.coalesce(ProductVariant.size, ""),
                   case((ProductVariant.stock > 0, 1), else_=0))
_EVENT_PRODUCTS = (
    select(EventProduct.product_id, Event.starts_at, Event.ends_at)
    .join(Event, Event.id == EventProduct.event_id)
    .join(Product, Product.id == EventProduct.product_id)
    .where(Event.shop_id == Product.shop_id)
)


def _codes(values):
    """(int32 code per value, the distinct values): empty and None values get NO_CODE."""
    names = tuple(sorted({v for v in values if v}))
    lookup = {name: code for code, name in enumerate(names)}
    lookup[""] = lookup[None] = NO_CODE
    return np.array([lookup[v] for v in values], dtype=np.int32), names


def _ints(values, none=0):
    return np.fromiter((none if v is None else v for v in values), dtype=np.int64,
                       count=len(values))


@dataclass(eq=False)
class CatalogIndex:
    """Columns of the visible products, by position (oldest first), and of their variants."""

    generation: str | None
    ids: np.ndarray
    category: np.ndarray
    subcategory: np.ndarray
    price: np.ndarray  # what a buyer pays before variant overrides: the sale price if lower
    on_sale: np.ndarray
    brand: np.ndarray
    brands: tuple
    rating: np.ndarray  # NaN when unrated
    rating_count: np.ndarray
    sold: np.ndarray
    variants_by_color: dict  # position, color, size, in_stock; ordered by (position, color)
    variants_by_size: dict  # the same, ordered by (position, size)
    colors: tuple
    sizes: tuple
    event_position: np.ndarray
    event_starts: np.ndarray
    event_ends: np.ndarray
    _by_id: np.ndarray = field(repr=False)  # positions in id order
    _sorted_ids: np.ndarray = field(repr=False)  # ids[_by_id]
    _orders: dict = field(default_factory=dict, repr=False)
    _searches: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __len__(self):
        return len(self.ids)

    def positions(self, ids):
        """(positions of those of `ids` in the snapshot, which of `ids` they are)."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self.ids) or not len(ids):
            return np.empty(0, dtype=np.int64), np.zeros(len(ids), dtype=bool)
        at = np.minimum(np.searchsorted(self._sorted_ids, ids), len(self._sorted_ids) - 1)
        found = self._sorted_ids[at] == ids
        return self._by_id[at[found]], found

    def variants_of(self, order, positions):
        """Indexes into the variant columns `order` of the variants of products `positions`
        (ascending), in that order: proportional to the products asked for, not to all."""
        start = getattr(self, order)["start"]
        first, counts = start[positions], start[positions + 1] - start[positions]
        total = int(counts.sum())
        if not total:
            return np.empty(0, dtype=np.int64)
        # Each product's run: its first index, then consecutive ones.
        run_offsets = np.repeat(first - np.cumsum(counts) + counts, counts)
        return run_offsets + np.arange(total)

    def order(self, sort):
        """Every position in the sort's order; each order ends on the id, as the SQL did."""
        with self._lock:
            if sort not in self._orders:
                self._orders[sort] = self._compute_order(sort)
            return self._orders[sort]

    def _compute_order(self, sort):
        if sort == "price_asc":
            return np.lexsort((self.ids, self.price))
        if sort == "price_desc":
            return np.lexsort((self.ids, self.price))[::-1]
        if sort == "rating":  # unrated last
            rating = np.where(np.isnan(self.rating), -np.inf, self.rating)
            return np.lexsort((self.ids, self.rating_count, rating))[::-1]
        if sort == "popular":
            return np.lexsort((self.ids, self.sold))[::-1]
        return np.arange(len(self.ids))[::-1]  # newest: created_at, then id, descending

    def search(self, query):
        """Positions of the visible products matching `query`, best match first."""
        key = query.text
        with self._lock:
            if key in self._searches:
                self._searches.move_to_end(key)
                return self._searches[key]
        ids, scores = _match(query)
        positions, present = self.positions(ids)
        ids, scores = ids[present], scores[present]
        best_first = positions[np.lexsort((-ids, scores))]  # best score, then newest id
        with self._lock:
            self._searches[key] = best_first
            while len(self._searches) > SEARCHES_KEPT:
                self._searches.popitem(last=False)
        return best_first


def _match(query):
    """(ids, scores) of every product the full-text index matches, as arrays."""
    rows = search.match_scores(query)
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.float64, count=2 * len(rows))
    return flat[0::2].astype(np.int64), flat[1::2]


def build(generation=None, now=None):
    """A snapshot of the visible catalogue, read in three queries."""
    started = time.perf_counter()
    rows = raw_rows(_PRODUCTS)
    columns = list(zip(*rows, strict=True)) if rows else [()] * 9
    ids = np.array(columns[0], dtype=np.int64)
    regular, sale = np.array(columns[3], dtype=np.int64), np.array(columns[4], dtype=np.int64)
    on_sale = (sale >= 0) & (sale < regular)
    brand, brands = _codes(columns[5])
    by_id = np.argsort(ids, kind="stable")
    index = CatalogIndex(
        generation=generation, ids=ids,
        category=np.array(columns[1], dtype=np.int64),
        subcategory=np.array(columns[2], dtype=np.int64),
        price=np.where(on_sale, sale, regular), on_sale=on_sale, brand=brand, brands=brands,
        rating=np.array(columns[6], dtype=np.float64),
        rating_count=np.array(columns[7], dtype=np.int64),
        sold=np.array(columns[8], dtype=np.int64), variants_by_color={}, variants_by_size={},
        colors=(), sizes=(), event_position=np.empty(0, dtype=np.int64),
        event_starts=np.empty(0, dtype="datetime64[us]"),
        event_ends=np.empty(0, dtype="datetime64[us]"), _by_id=by_id, _sorted_ids=ids[by_id],
    )
    _add_variants(index, raw_rows(_VARIANTS))
    _add_events(index, db.session.connection().execute(
        _EVENT_PRODUCTS.where(Event.ends_at > (now or utcnow()))).all())
    log.debug("catalogue index: %d products in %.0f ms", len(index),
              (time.perf_counter() - started) * 1000)
    return index


def _add_variants(index, rows):
    product_ids, colors, sizes, stock = (list(zip(*rows, strict=True)) if rows
                                         else [(), (), (), ()])
    positions, found = index.positions(np.array(product_ids, dtype=np.int64))
    color, index.colors = _codes(colors)
    size, index.sizes = _codes(sizes)
    in_stock = np.array(stock, dtype=np.int64) > 0
    color, size, in_stock = color[found], size[found], in_stock[found]
    for target, key in ((index.variants_by_color, color), (index.variants_by_size, size)):
        order = np.lexsort((key, positions))
        target.update(position=positions[order], color=color[order], size=size[order],
                      in_stock=in_stock[order])
        # Where each product's variants start: its variants are target[start[p]:start[p + 1]].
        target["start"] = np.searchsorted(target["position"], np.arange(len(index) + 1))


def _add_events(index, rows):
    product_ids, starts, ends = list(zip(*rows, strict=True)) if rows else [(), (), ()]
    positions, found = index.positions(_ints(product_ids))
    index.event_position = positions
    index.event_starts = np.array(starts, dtype="datetime64[us]")[found]
    index.event_ends = np.array(ends, dtype="datetime64[us]")[found]


class _Holder:
    """One app's snapshot in this process: the first request of a new generation builds it,
    the others wait and share it."""

    def __init__(self):
        self.index = None
        self.lock = threading.Lock()

    def get(self, generation):
        index = self.index
        if index is not None and index.generation == generation:
            return index
        with self.lock:
            if self.index is None or self.index.generation != generation:
                self.index = build(generation)
            return self.index


def current_index():
    """This process's snapshot for the catalogue's generation (app/services/catalog/changes.py):
    rebuilt after any write shoppers can see, so it is as fresh as the pages it feeds. With
    caching off, a snapshot of this moment for this request alone."""
    index = g.get("_catalog_index")
    if index is None:
        if caching.enabled():
            holder = current_app.extensions.setdefault("catalog_index", _Holder())
            index = holder.get(changes.generation())
        else:
            index = build()
        g._catalog_index = index
    return index
