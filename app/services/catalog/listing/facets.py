"""Facet counts of a listing, each ignoring its own filter; its totals and its pages."""
from dataclasses import dataclass

import numpy as np

from app.models.base import utcnow
from app.services.catalog.listing.filters import major_units
from app.services.catalog.listing.index import NO_CODE, current_index

# (lowest, highest) in cents, either end open.
PRICE_BANDS = ((None, 999), (1000, 2499), (2500, 4999), (5000, 9999), (10000, None))
RATINGS = (4, 3, 2, 1)
BRAND_OPTIONS = 25
SIZE_ORDER = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "Small", "Medium", "Large")


def _first_of_runs(*keys):
    """Which entries start a run of equal keys (the entries are ordered by those keys)."""
    starts = np.ones(len(keys[0]), dtype=bool)
    if len(starts) > 1:
        starts[1:] = np.logical_or.reduce([k[1:] != k[:-1] for k in keys])
    return starts


@dataclass(frozen=True)
class Option:
    value: object
    label: str
    count: int
    selected: bool = False


class FacetCounter:
    """One listing request's answers, worked out on the catalogue snapshot (listing_index).

    Each filter becomes a mask over the snapshot once per request; the products matching a
    set of filters are those masks combined, so a facet that ignores its own filter costs one
    more AND, and a search matches once however many counts it feeds. Nothing in it is about
    one visitor.
    """

    def __init__(self, vocab, now=None):
        self.vocab = vocab
        self.now = now or utcnow()
        self.index = current_index()
        self._parts = {}
        self._matching = {}

    # -- which products pass -------------------------------------------------------------

    @staticmethod
    def _key(filters):
        return tuple(sorted((k, str(v)) for k, v in filters.key().items()))

    def matching(self, filters):
        """A boolean mask over the snapshot: the products `filters` lets through."""
        key = self._key(filters)
        if key not in self._matching:
            mask = np.ones(len(self.index), dtype=bool)
            for part in self._parts_of(filters):
                mask &= part
            self._matching[key] = mask
        return self._matching[key]

    def _parts_of(self, f):
        if f.search:
            yield self._part(("search", f.search.text), lambda: self._positions_mask(
                self.index.search(f.search)))
        if f.category_id is not None:
            yield self._part(("category", f.category_id),
                             lambda: self.index.category == f.category_id)
        if f.subcategory_id is not None:
            yield self._part(("subcategory", f.subcategory_id),
                             lambda: self.index.subcategory == f.subcategory_id)
        if f.min_price is not None:
            yield self._part(("min_price", f.min_price), lambda: self.index.price >= f.min_price)
        if f.max_price is not None:
            yield self._part(("max_price", f.max_price), lambda: self.index.price <= f.max_price)
        if f.brands:
            yield self._part(("brands", f.brands), lambda: np.isin(
                self.index.brand, self._codes(self.index.brands, f.brands)))
        if f.rating:
            yield self._part(("rating", f.rating), lambda: self.index.rating >= f.rating)
        if f.colors or f.sizes or f.in_stock:
            # One variant must be all of these at once: the chosen colour and size, in stock.
            yield self._part(("variants", f.colors, f.sizes, f.in_stock), lambda: (
                self._positions_mask(self._variants(
                    f.colors, f.sizes, f.in_stock, "variants_by_color")[0])))
        if f.on_offer:
            yield self._part(("on_offer",), self._on_offer)

    def _part(self, key, compute):
        if key not in self._parts:
            self._parts[key] = compute()
        return self._parts[key]

    def _positions_mask(self, positions):
        mask = np.zeros(len(self.index), dtype=bool)
        mask[positions] = True
        return mask

    @staticmethod
    def _codes(names, chosen):
        return [code for code, name in enumerate(names) if name in chosen]

    def _variants(self, colors, sizes, in_stock, order, within=None, columns=("position",)):
        """`columns` of the snapshot's variants (in `order`) meeting the variant conditions,
        of the products in the mask `within` (all products when None)."""
        variants = getattr(self.index, order)
        if within is None:
            chosen = slice(None)
        else:
            chosen = self.index.variants_of(order, np.flatnonzero(within))
        keep = np.ones(len(variants["position"][chosen]), dtype=bool)
        if colors:
            keep &= np.isin(variants["color"][chosen], self._codes(self.index.colors, colors))
        if sizes:
            keep &= np.isin(variants["size"][chosen], self._codes(self.index.sizes, sizes))
        if in_stock:
            keep &= variants["in_stock"][chosen]
        return [variants[name][chosen][keep] for name in columns]

    def _on_offer(self):
        now = np.datetime64(self.now, "us")
        live = (self.index.event_starts <= now) & (self.index.event_ends > now)
        mask = self._positions_mask(self.index.event_position[live])
        return mask | self.index.on_sale

    # -- the page --------------------------------------------------------------------------

    def page_ids(self, filters, offset, limit):
        """Ids of one page of the products `filters` lets through, in its sort order."""
        mask = self.matching(filters)
        if filters.sort == "relevance" and filters.search:
            order = self.index.search(filters.search)
        else:
            order = self.index.order(filters.sort)
        shown = order[mask[order]]
        return self.index.ids[shown[offset:offset + limit]].tolist()

    # -- counts ----------------------------------------------------------------------------

    def aggregate(self, filters):
        """{total, ratings: {stars: n}, bands: [n per price band]} over the filters."""
        key = ("aggregate", self._key(filters))
        if key not in self._parts:
            self._parts[key] = self._aggregate(self.matching(filters))
        return self._parts[key]

    def _aggregate(self, mask):
        rating, price = self.index.rating[mask], self.index.price[mask]
        bands = []
        for low, high in PRICE_BANDS:
            inside = np.ones(len(price), dtype=bool)
            if low is not None:
                inside &= price >= low
            if high is not None:
                inside &= price <= high
            bands.append(int(inside.sum()))
        return {"total": int(mask.sum()),
                "ratings": {str(r): int((rating >= r).sum()) for r in RATINGS},
                "bands": bands}

    def total(self, filters):
        return int(self.matching(filters).sum())

    def _grouped(self, filters, column):
        values, counts = np.unique(getattr(self.index, column)[self.matching(filters)],
                                   return_counts=True)
        return [[int(v), int(n)] for v, n in zip(values, counts, strict=True) if v]

    def _brand_counts(self, filters):
        codes = self.index.brand[self.matching(filters)]
        counts = np.bincount(codes[codes != NO_CODE], minlength=len(self.index.brands))
        return [[name, int(n)] for name, n in zip(self.index.brands, counts, strict=True) if n]

    def _variant_counts(self, filters, column):
        """[value, products with a variant of that value], under the variant conditions."""
        order, names = ("variants_by_color", self.index.colors) if column == "color" else (
            "variants_by_size", self.index.sizes)
        # `filters` comes without this facet's own values: the other conditions still hold.
        positions, values = self._variants(filters.colors, filters.sizes, filters.in_stock,
                                           order, within=self.matching(filters),
                                           columns=("position", column))
        named = values != NO_CODE
        positions, values = positions[named], values[named]
        # Variants come ordered by (product, value): each product counts once per value.
        firsts = values[_first_of_runs(positions, values)]
        counts = np.bincount(firsts, minlength=len(names))
        return [[name, int(n)] for name, n in zip(names, counts, strict=True) if n]

    def facets(self, filters):
        return {
            "categories": self.category_options(filters),
            "brands": self._options(self._brand_counts(filters.without("brands")),
                                    filters.brands, by_count=True),
            "colors": self._options(self._variant_counts(filters.without("colors"), "color"),
                                    filters.colors),
            "sizes": self._options(self._variant_counts(filters.without("sizes"), "size"),
                                   filters.sizes, order=SIZE_ORDER),
            "ratings": self._rating_options(filters),
            "price_bands": self._price_options(filters),
        }

    def category_options(self, filters):
        """Subcategories of the chosen category, or the top categories when none is chosen."""
        by_id = {row[0]: row for row in self.vocab["categories"]}
        if filters.category_id is not None:
            base, column, current = filters.without("subcategory"), "subcategory", \
                filters.subcategory_id
        else:
            base, column, current = filters.without("category"), "category", None
        counts = self._grouped(base, column)
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
