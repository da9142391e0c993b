"""Listing filters: typed values (a form read them from the query string) made into a small
validated value, and back into links."""
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from app.extensions import db
from app.models.catalog import Category, Product, ProductVariant
from app.services.catalog.changes import cached
from app.services.catalog.search import SearchQuery, parse_query

SORTS = {
    "relevance": "Best match", "newest": "Newest", "price_asc": "Price: low to high",
    "price_desc": "Price: high to low", "rating": "Top rated", "popular": "Most popular",
}
MAX_VALUES = 20  # of one multi-valued filter; more is a crafted URL, not a shopper
MAX_PRICE_CENTS = 100_000_000  # 1,000,000.00: above any product, and far inside int64
MAX_PAGE = 1_000_000  # bigger numbers are clamped to the last page anyway
# Which fields the multi-valued query parameters fill.
MULTI = {"color": "colors", "size": "sizes", "brand": "brands"}


@dataclass(frozen=True)
class ListingFilters:
    search: SearchQuery = field(default_factory=SearchQuery)
    category: str | None = None  # slugs
    subcategory: str | None = None
    category_id: int | None = field(default=None, compare=False)
    subcategory_id: int | None = field(default=None, compare=False)
    min_price: int | None = None  # cents, against the effective (sale or regular) price
    max_price: int | None = None
    colors: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    rating: int | None = None  # at least this average
    in_stock: bool = False
    on_offer: bool = False
    sort: str = "newest"
    page: int = 1

    @property
    def default_sort(self):
        return "relevance" if self.search else "newest"

    @property
    def refinements(self):
        """How many filters narrow the result beyond the category and the search."""
        return (len(self.colors) + len(self.sizes) + len(self.brands)
                + sum(x is not None for x in (self.min_price, self.max_price, self.rating))
                + self.in_stock + self.on_offer)

    def without(self, *names):
        """The same filters with some cleared (for facets that ignore their own filter)."""
        names = set(names)
        if "category" in names:  # a subcategory means nothing without its category
            names |= {"category_id", "subcategory", "subcategory_id"}
        if "subcategory" in names:
            names.add("subcategory_id")
        blank = ListingFilters()
        return replace(self, **{name: getattr(blank, name) for name in names})

    def args(self, **changes):
        """Query parameters for url_for; any change other than `page` goes back to page 1."""
        if changes and "page" not in changes:
            changes["page"] = 1
        f = replace(self, **changes) if changes else self
        out = {}
        if f.search.raw:
            out["q"] = f.search.raw
        for name in ("category", "subcategory"):
            if getattr(f, name):
                out[name] = getattr(f, name)
        for name in ("min_price", "max_price"):
            if getattr(f, name) is not None:
                out[name] = major_units(getattr(f, name))
        for param, name in MULTI.items():
            if getattr(f, name):
                out[param] = list(getattr(f, name))
        if f.rating:
            out["rating"] = f.rating
        for name in ("in_stock", "on_offer"):
            if getattr(f, name):
                out[name] = "1"
        if f.sort != f.default_sort and (f.sort != "relevance" or f.search):
            out["sort"] = f.sort
        if f.page > 1:
            out["page"] = f.page
        return out

    def key(self):
        """What the result set depends on: every filter but the sort order and the page."""
        return {k: v for k, v in self.args().items() if k not in ("sort", "page")}


def major_units(cents):
    whole, part = divmod(cents, 100)
    return f"{whole}.{part:02d}" if part else str(whole)


def vocabulary():
    """Categories, colours, sizes and brands that exist: what filters may name."""
    return cached("listing-vocabulary", (), _load_vocabulary)


def _load_vocabulary():
    categories = db.session.execute(
        select(Category.id, Category.slug, Category.name, Category.parent_id)
        .order_by(Category.position, Category.name)).all()

    def distinct(column):
        return sorted(db.session.scalars(select(column).distinct().where(
            column.is_not(None), column != "")).all())

    return {"categories": [list(row) for row in categories],
            "colors": distinct(ProductVariant.color), "sizes": distinct(ProductVariant.size),
            "brands": distinct(Product.brand)}


def filters_from(values, messages=(), vocab=None):
    """(ListingFilters, messages) from typed values a form checked already: `q`, `category`,
    `subcategory` and `sort` strings, `min_price`/`max_price` in cents, `color`/`size`/`brand`
    lists, `rating` and `page` ints, `in_stock`/`on_offer` bools; missing means unset.

    What only the catalogue can tell (does this category or brand exist?) is checked here:
    names it does not know are dropped with a message, like the form's own refusals."""
    vocab = vocab or vocabulary()
    messages = list(messages)
    raw = (values.get("q") or "").strip()[:300]
    search = parse_query(raw)
    if raw and not search:
        messages.append("Type a word or two to search for; showing everything instead.")
    elif search.shortened:
        messages.append("Your search was long, so we searched for its first few words.")
    out = {"search": search}
    out |= _categories(vocab, values.get("category") or "", values.get("subcategory") or "",
                       messages)
    out |= _prices(values.get("min_price"), values.get("max_price"), messages)
    for param, name in MULTI.items():
        out[name] = _known(values.get(param) or [], vocab[name], param, messages)
    out["rating"] = values.get("rating") if values.get("rating") in range(1, 6) else None
    out["in_stock"] = bool(values.get("in_stock"))
    out["on_offer"] = bool(values.get("on_offer"))
    out["page"] = max(1, min(values.get("page") or 1, MAX_PAGE))
    sort = values.get("sort")
    out["sort"] = sort if sort in SORTS and (sort != "relevance" or search) \
        else ("relevance" if search else "newest")
    return ListingFilters(**out), messages


def _categories(vocab, category, subcategory, messages):
    by_slug = {row[1]: row for row in vocab["categories"]}
    by_id = {row[0]: row for row in vocab["categories"]}
    top, sub = by_slug.get(category), by_slug.get(subcategory)
    if category and top is None:
        messages.append("We have no such category; showing all categories.")
    if top is not None and top[3] is not None:  # a subcategory given as the category
        top, sub = by_id.get(top[3]), sub or top
    if subcategory and (sub is None or sub[3] is None):
        messages.append("We have no such subcategory; ignored.")
        sub = None
    if sub is not None and top is not None and sub[3] != top[0]:
        messages.append(f"“{sub[2]}” is not part of “{top[2]}”; ignored.")
        sub = None
    if sub is not None and top is None:
        top = by_id.get(sub[3])
    return {"category": top[1] if top else None, "category_id": top[0] if top else None,
            "subcategory": sub[1] if sub else None, "subcategory_id": sub[0] if sub else None}


def _prices(low, high, messages):
    low, high = (None if v is None else min(max(v, 0), MAX_PRICE_CENTS) for v in (low, high))
    if low is not None and high is not None and low > high:
        messages.append("The minimum price was above the maximum, so we swapped them.")
        low, high = high, low
    return {"min_price": low, "max_price": high}


def _known(raw_values, known, param, messages):
    """The values that exist (matched case-insensitively), in the spelling the catalogue uses."""
    lookup = {value.lower(): value for value in known}
    chosen, unknown = [], []
    for raw in raw_values[:MAX_VALUES]:
        value = lookup.get((raw or "").strip().lower())
        if value is None:
            if (raw or "").strip():
                unknown.append(raw.strip()[:40])
        elif value not in chosen:
            chosen.append(value)
    if unknown:
        noun = {"color": "colour", "size": "size", "brand": "brand"}[param]
        names = ", ".join(f"“{u}”" for u in unknown[:3])
        messages.append(f"No products have the {noun} {names}; ignored.")
    return tuple(sorted(chosen))
