"""Facet counts of a listing, each ignoring its own filter, cached briefly; and the totals."""
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from app.extensions import db
from app.models.catalog import Product, ProductVariant
from app.services.listing_filters import cache_seconds, major_units
from app.services.listing_query import effective_price, filtered, variant_conditions
from app.services.ttl_cache import cached, make_key

# (lowest, highest) in cents, either end open.
PRICE_BANDS = ((None, 999), (1000, 2499), (2500, 4999), (5000, 9999), (10000, None))
RATINGS = (4, 3, 2, 1)
BRAND_OPTIONS = 25
SIZE_ORDER = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "Small", "Medium", "Large")


@dataclass(frozen=True)
class Option:
    value: object
    label: str
    count: int
    selected: bool = False


class FacetCounter:
    """Runs (or reuses) the counting queries of one listing request.

    Why caching them is safe: counts are hints beside the grid, whose products are read fresh
    and re-checked for visibility; every shopper sees the same catalogue, so no key or value
    holds anything about one user; a key is the normalised, validated filter set, so the key
    space is what visitors actually ask for (a bounded LRU in memory, expiring keys in Redis);
    and a count is at most cache_seconds() old.
    """

    def __init__(self, vocab, now=None):
        self.vocab = vocab
        self.now = now
        self._memo = {}  # the same query twice in one request runs once, cache or not

    def _cached(self, kind, filters, compute):
        key = make_key("listing", kind, filters.key())
        if key not in self._memo:
            self._memo[key] = cached(key, cache_seconds(), lambda: compute(filters))
        return self._memo[key]

    def _base(self, filters):
        return filtered(filters, self.now)[0]

    def aggregate(self, filters):
        """{total, ratings: {stars: n}, bands: [n per price band]} over the filters."""
        return self._cached("aggregate", filters, self._aggregate)

    def total(self, filters):
        return self.aggregate(filters)["total"]

    def _aggregate(self, filters):
        price = effective_price()
        columns = [func.count(Product.id)]
        columns += [func.sum(case((Product.rating_avg >= r, 1), else_=0)) for r in RATINGS]
        for low, high in PRICE_BANDS:
            band = [c for c in (low is not None and price >= low,
                                high is not None and price <= high) if c is not False]
            columns.append(func.sum(case((and_(*band), 1), else_=0)))
        row = db.session.execute(self._base(filters).with_only_columns(*columns)).one()
        values = [int(v or 0) for v in row]
        return {"total": values[0], "ratings": dict(zip(map(str, RATINGS), values[1:5],
                                                        strict=True)),
                "bands": values[5:]}

    def _grouped(self, filters, column):
        stmt = (self._base(filters).with_only_columns(column, func.count(Product.id))
                .group_by(column))
        return [[value, count] for value, count in db.session.execute(stmt) if value]

    def _variant_grouped(self, filters, column):
        ids = self._base(filters).with_only_columns(Product.id)
        stmt = (select(column, func.count(ProductVariant.product_id.distinct()))
                .where(ProductVariant.product_id.in_(ids), column != "",
                       *variant_conditions(filters))
                .group_by(column))
        return [list(row) for row in db.session.execute(stmt)]

    def facets(self, filters):
        return {
            "categories": self.category_options(filters),
            "brands": self._options(self._cached(
                "brands", filters.without("brands"),
                lambda f: self._grouped(f, Product.brand)), filters.brands, by_count=True),
            "colors": self._options(self._cached(
                "colors", filters.without("colors"),
                lambda f: self._variant_grouped(f, ProductVariant.color)), filters.colors),
            "sizes": self._options(self._cached(
                "sizes", filters.without("sizes"),
                lambda f: self._variant_grouped(f, ProductVariant.size)), filters.sizes,
                order=SIZE_ORDER),
            "ratings": self._rating_options(filters),
            "price_bands": self._price_options(filters),
        }

    def category_options(self, filters):
        """Subcategories of the chosen category, or the top categories when none is chosen."""
        by_id = {row[0]: row for row in self.vocab["categories"]}
        if filters.category_id is not None:
            base, column, current = filters.without("subcategory"), "subcategory_id", \
                filters.subcategory_id
        else:
            base, column, current = filters.without("category"), "category_id", None
        counts = self._cached(f"by-{column}", base,
                              lambda f: self._grouped(f, getattr(Product, column)))
        options = [Option(by_id[cid][1], by_id[cid][2], n, cid == current)
                   for cid, n in counts if cid in by_id]
        return sorted(options, key=lambda o: (-o.count, o.label))

    @staticmethod
    def _options(counts, chosen, by_count=False, order=()):
        found = {value: n for value, n in counts}
        for value in chosen:  # a chosen value stays visible (and un-tickable) at 0
            found.setdefault(value, 0)
        options = [Option(v, v, n, v in chosen) for v, n in found.items()]
        rank = {v: i for i, v in enumerate(order)}
        if by_count:
            options.sort(key=lambda o: (not o.selected, -o.count, o.label.lower()))
            return options[:max(BRAND_OPTIONS, len(chosen))]
        return sorted(options, key=lambda o: (rank.get(o.value, len(rank)), o.label.lower()))

    def _rating_options(self, filters):
        counts = self.aggregate(filters.without("rating"))["ratings"]
        return [Option(r, f"{r} stars & up" if r > 1 else "1 star & up", counts[str(r)],
                       filters.rating == r) for r in RATINGS]

    def _price_options(self, filters):
        counts = self.aggregate(filters.without("min_price", "max_price"))["bands"]
        options = []
        for (low, high), n in zip(PRICE_BANDS, counts, strict=True):
            if low is None:
                label = f"Under {major_units(high + 1)}"
            elif high is None:
                label = f"{major_units(low)} and over"
            else:
                label = f"{major_units(low)} to {major_units(high + 1)}"
            chosen = (filters.min_price, filters.max_price) == (low, high)
            options.append(Option((low, high), label, n, chosen))
        return options
