"""Storefront listing and search: one page of visible products, its facets and suggestions."""
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from math import ceil

from flask_sqlalchemy.pagination import Pagination

from app.services.catalog.cards import visible_cards
from app.services.catalog.listing.facets import FacetCounter
from app.services.catalog.listing.filters import (  # noqa: F401 (the listing's public names)
    SORTS,
    ListingFilters,
    filters_from,
    major_units,
    vocabulary,
)
from app.services.catalog.search import parse_query

PER_PAGE = 24
# Deep pages cost an OFFSET walk and help nobody: past 2,400 products, narrow the search.
MAX_PAGES = 100
MAX_SUGGESTIONS = 6


class ResultPage(Pagination):
    """A Flask-SQLAlchemy page built from items and a total fetched already (the total may
    come from the count cache), so the pagination macro renders it like any other."""

    def _query_items(self):
        return self._query_args["items"]

    def _query_count(self):
        return self._query_args["total"]

    @property
    def pages(self):
        return min(super().pages, MAX_PAGES)

    @property
    def capped(self):
        """More products match than the pages reach."""
        return (self.total or 0) > MAX_PAGES * self.per_page


@dataclass(frozen=True)
class Link:
    """A labelled listing URL: an active-filter chip, or a suggestion with its result count."""

    label: str
    args: dict
    count: int | None = None


@dataclass
class Listing:
    filters: ListingFilters
    page: ResultPage
    facets_of: Callable[[], dict] = field(repr=False)
    chips: list
    suggestions: list
    messages: list
    category_name: str | None = None
    subcategory_name: str | None = None

    @cached_property
    def facets(self):
        """The sidebar's facet options, worked out when first asked for: a page whose sidebar
        comes rendered from the cache never needs them."""
        return self.facets_of()


def listing_page(values, messages=(), now=None):
    """The listing that typed filter values ask for (see `filters_from`); `messages` say what
    the caller already dropped."""
    vocab = vocabulary()
    filters, messages = filters_from(values, messages, vocab)
    return browse(filters, messages, now, vocab)


def browse(filters, messages=(), now=None, vocab=None):
    """The page of products `filters` asks for (its page clamped to the last one)."""
    vocab = vocab or vocabulary()
    counter = FacetCounter(vocab, now)
    messages = list(messages)
    total = counter.total(filters)
    last = min(max(1, ceil(total / PER_PAGE)), MAX_PAGES)
    if filters.page > last:
        if total:
            messages.append(f"There {'is' if last == 1 else 'are'} only {last} "
                            f"page{'' if last == 1 else 's'} of results; here is the last.")
        filters = replace(filters, page=last)
    page = ResultPage(page=filters.page, per_page=PER_PAGE, max_per_page=None, error_out=False,
                      items=_page_items(counter, filters), total=total)
    names = {row[1]: row[2] for row in vocab["categories"]}
    chips = active_filters(filters, names)
    return Listing(
        filters=filters, page=page, facets_of=partial(counter.facets, filters),
        chips=[link for link, _relaxed in chips],
        suggestions=[] if total else _suggestions(counter, filters, chips),
        messages=messages, category_name=names.get(filters.category),
        subcategory_name=names.get(filters.subcategory),
    )


def _page_items(counter, filters):
    """The product cards of one page, in the page's order.

    The ids come from the catalogue snapshot; the products themselves are read fresh and
    still must be visible, so a product hidden or deleted meanwhile drops out at once.
    """
    ids = counter.page_ids(filters, (filters.page - 1) * PER_PAGE, PER_PAGE)
    # Cards (rows of the few columns a card shows, not entities), read fresh by primary key
    # and checked for visibility, in one query with each product's first image and shop name.
    return visible_cards(ids)


def active_filters(filters, category_names):
    """(Link to the listing without it, those filters) for every filter in use."""
    f = filters
    chips = []
    if f.search:
        chips.append((f"“{f.search.raw[:40]}”", f.without("search")))
    if f.category:
        chips.append((category_names.get(f.category, f.category), f.without("category")))
    if f.subcategory:
        chips.append((category_names.get(f.subcategory, f.subcategory),
                       f.without("subcategory")))
    if f.min_price is not None or f.max_price is not None:
        low = major_units(f.min_price) if f.min_price is not None else "0"
        high = f"to {major_units(f.max_price)}" if f.max_price is not None else "and over"
        chips.append((f"Price {low} {high}", f.without("min_price", "max_price")))
    for name, noun in (("colors", "Colour"), ("sizes", "Size"), ("brands", "Brand")):
        for value in getattr(f, name):
            rest = tuple(v for v in getattr(f, name) if v != value)
            chips.append((f"{noun}: {value}", replace(f, **{name: rest})))
    if f.rating:
        chips.append((f"{f.rating}+ stars", f.without("rating")))
    if f.in_stock:
        chips.append(("In stock", f.without("in_stock")))
    if f.on_offer:
        chips.append(("On offer", f.without("on_offer")))
    return [(Link(label, relaxed.args(page=1)), relaxed) for label, relaxed in chips]


def _suggestions(counter, filters, chips):
    """With no results: what dropping one filter, or searching one word, would show."""
    found = []
    for chip, relaxed in chips:
        n = counter.total(relaxed)
        if n:
            found.append(Link(f"Remove {chip.label}", chip.args, n))
    if len(filters.search.terms) > 1:
        for term in filters.search.terms:
            relaxed = replace(filters, search=parse_query(term), page=1)
            n = counter.total(relaxed)
            if n:
                found.append(Link(f"Search for “{term}” only", relaxed.args(), n))
    found.sort(key=lambda link: -link.count)
    if not found:  # nothing close: the biggest categories instead
        options = counter.category_options(ListingFilters())
        found = [Link(f"Browse {o.label}", ListingFilters(category=o.value).args(), o.count)
                 for o in options]
    return found[:MAX_SUGGESTIONS]
