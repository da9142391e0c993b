"""Listing filters: the query string made into a small validated value, and back into links."""
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from app.caching.ttl_cache import cached, make_key
from app.extensions import db
from app.models.catalog import Category, Product, ProductVariant
from app.services.catalog.search import SearchQuery, parse_query

SORTS = {
    "relevance": "Best match", "newest": "Newest", "price_asc": "Price: low to high",
    "price_desc": "Price: high to low", "rating": "Top rated", "popular": "Most popular",
}
MAX_VALUES = 20  # of one multi-valued filter; more is a crafted URL, not a shopper
MAX_PRICE_CENTS = 100_000_000  # 1,000,000.00: above any product, and far inside int64
MAX_PAGE = 1_000_000  # bigger numbers are clamped to the last page anyway
_PRICE = re.compile(r"^(-?)(\d{1,12})(?:[.,](\d{1,2}))?$")
_TRUE = {"1", "true", "on", "yes"}
# Which fields the multi-valued query parameters fill.
MULTI = {"color": "colors", "size": "sizes", "brand": "brands"}


def cache_seconds():
    """How long counts, facets and the filter vocabulary may be reused (0 under tests)."""
    default = 0 if current_app.testing else 45
    return current_app.config.get("LISTING_CACHE_SECONDS", default)


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
    return cached(make_key("listing-vocabulary"), cache_seconds(), _load_vocabulary)


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


def parse_filters(args, vocab=None):
    """(ListingFilters, messages) from {name: [values]}; nonsense is dropped with a message."""
    vocab = vocab or vocabulary()
    messages = []

    def first(name):
        values = args.get(name) or [""]
        return (values[0] or "").strip()[:300]

    values = {"search": parse_query(first("q"))}
    if first("q") and not values["search"]:
        messages.append("Type a word or two to search for; showing everything instead.")
    elif values["search"].shortened:
        messages.append("Your search was long, so we searched for its first few words.")
    values |= _categories(vocab, first("category"), first("subcategory"), messages)
    values |= _prices(first("min_price"), first("max_price"), messages)
    for param, name in MULTI.items():
        values[name] = _known(args.get(param) or [], vocab[name], param, messages)
    rating = first("rating")
    if rating in {"1", "2", "3", "4", "5"}:
        values["rating"] = int(rating)
    elif rating:
        messages.append("Rating must be a whole number of stars from 1 to 5; ignored.")
    values["in_stock"] = first("in_stock").lower() in _TRUE
    values["on_offer"] = first("on_offer").lower() in _TRUE
    values["page"] = _page(first("page"))
    sort = first("sort")
    default = "relevance" if values["search"] else "newest"
    values["sort"] = sort if sort in SORTS and (sort != "relevance" or values["search"]) \
        else default
    return ListingFilters(**values), messages


def _page(raw):
    """A page number from 1; junk means 1, anything huge is clamped to the last page later."""
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return max(1, min(int(raw), MAX_PAGE)) if len(raw) <= 12 else MAX_PAGE


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


def _price(raw, label, messages):
    if not raw:
        return None
    match = _PRICE.match(raw)
    if not match:
        messages.append(f"The {label} price “{raw[:20]}” is not a number; ignored.")
        return None
    if match.group(1):
        messages.append(f"The {label} price cannot be negative; ignored.")
        return None
    cents = int(Decimal(f"{match.group(2)}.{match.group(3) or '0'}") * 100)
    return min(cents, MAX_PRICE_CENTS)


def _prices(low, high, messages):
    low, high = _price(low, "minimum", messages), _price(high, "maximum", messages)
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
