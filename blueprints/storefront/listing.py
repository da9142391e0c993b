"""Storefront: the product listing and search page, /products."""
from urllib.parse import urlencode

from flask import make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from app.caching import fragments
from app.caching.ttl_cache import cached, make_key
from app.models.analytics import AnalyticsKind
from app.services.catalog.listing import page as listing_service
from app.templating import absolute_url_for
from blueprints.storefront import bp, guest_pages
from blueprints.storefront.listing_forms import ListingQuery
from blueprints.web.tracking import track


@bp.get("/products")
def products():
    pairs = list(request.args.items(multi=True))
    filled = [(name, value) for name, value in pairs if value.strip()]
    if len(filled) < len(pairs):
        # A submitted filter form sends its empty boxes too; the shareable URL leaves them out.
        query = urlencode(filled)
        return redirect(url_for("storefront.products") + (f"?{query}" if query else ""))
    values, messages = ListingQuery(formdata=request.args).read()
    listing = listing_service.listing_page(values, messages)
    filters = listing.filters
    # htmx swaps the results in place; a history restore after a cache miss needs the page.
    partial = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request")
    seo, filters_html = _seo(listing), _sidebar(listing)
    context = dict(listing=listing, seo=seo, oob=partial, sorts=listing_service.SORTS,
                   filters_html=filters_html)
    key = _content_key(listing, seo, filters_html)
    if partial:
        html = fragments.render("storefront/_product_results.html", key, **context)
    else:
        # The header's search box repeats the query as typed, which the filters normalise.
        page_key = ("products", key, request.args.get("q", "")[:200])
        html = guest_pages.page(page_key, lambda: render_template(
            "storefront/products.html", seo=seo,
            main_html=fragments.render("storefront/_listing_main.html", key, **context)))
    if filters.search:
        # After rendering: recording commits, which would expire the products just shown.
        track(AnalyticsKind.SEARCH)
    response = make_response(html)
    response.vary.add("HX-Request")
    return response


def _content_key(listing, seo, filters_html):
    """Everything the main region shows: the filters, each card's row, counts and messages.

    The cards are read fresh on every request, so a new price or a hidden product is a new
    key, never a stale page.
    """
    p = listing.page
    args = tuple((k, tuple(v) if isinstance(v, list) else v)
                 for k, v in listing.filters.args().items())
    shown = "\n".join(map(repr, [*p.items, *listing.chips, *listing.suggestions]))
    return (request.script_root, args, p.total, shown, tuple(listing.messages),
            listing.category_name, listing.subcategory_name, tuple(sorted(seo.items())),
            str(filters_html))


def _sidebar(listing):
    """The filter sidebar (facet links and counts, the filter form) as HTML.

    Cached for LISTING_CACHE_SECONDS by the normalised filters and the sort (the form keeps
    the sort; every link it makes goes to page 1, so the page is not part of it). Safe: it is
    built from those filters and the facet counts alone, and holds nothing about the visitor
    (no CSRF token: it is a GET form). The counts come from the catalogue snapshot, renewed
    on the same TTL. The results grid beside it always shows cards read fresh
    (see _content_key).
    """
    f = listing.filters
    return Markup(cached(
        make_key("listing-sidebar", f.key(), f.sort, request.script_root),
        listing_service.cache_seconds(),
        lambda: render_template("storefront/_product_filters.html", listing=listing)))


def _seo(listing):
    """Title, description, canonical URL and robots of a listing page."""
    f, total = listing.filters, listing.page.total
    place = listing.subcategory_name or listing.category_name
    if f.search:
        title = f"Search results for “{f.search.raw[:60]}”"
        if place:
            title += f" in {place}"
        description = (f"{total:,} product{'' if total == 1 else 's'} matching "
                       f"“{f.search.raw[:60]}” from independent shops.")
    elif place:
        title = place if not listing.subcategory_name else \
            f"{listing.subcategory_name} · {listing.category_name}"
        description = f"Shop {total:,} {place.lower()} products from independent shops."
    else:
        title = "All products"
        description = f"Browse {total:,} products from independent shops."
    if f.page > 1:
        title += f" – page {f.page}"
    # The canonical page is the category or search itself: refinements and sort orders are
    # views of it. Deep combinations and empty pages are not worth an index entry.
    canonical = {k: v for k, v in f.args().items() if k in ("q", "category", "subcategory",
                                                             "page")}
    noindex = bool(f.search) or f.refinements >= 2 or total == 0
    return {"title": title, "description": description, "noindex": noindex,
            "canonical": absolute_url_for("storefront.products", **canonical)}
