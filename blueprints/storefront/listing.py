"""Storefront: the product listing and search page, /products."""
from urllib.parse import urlencode

from flask import make_response, redirect, render_template, request, url_for
from markupsafe import Markup

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
    # htmx swaps the results in place; a history restore after a cache miss needs the page.
    partial = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request")
    # The header's search box repeats the query as typed, which the filters normalise.
    key = ("products", partial, sorted(values.items()), tuple(messages),
           request.args.get("q", "")[:200])
    html, searched = guest_pages.page(key, lambda: _render(values, messages, partial))
    if searched:
        # After rendering: recording commits, which would expire the products just shown.
        track(AnalyticsKind.SEARCH)
    response = make_response(html)
    response.vary.add("HX-Request")
    return response


def _render(values, messages, partial):
    """(the page or, for htmx, its results region; whether it was a search)."""
    listing = listing_service.listing_page(values, messages)
    seo = _seo(listing)
    filters_html = Markup(render_template("storefront/_product_filters.html", listing=listing))
    context = dict(listing=listing, seo=seo, oob=partial, sorts=listing_service.SORTS,
                   filters_html=filters_html)
    if partial:
        html = render_template("storefront/_product_results.html", **context)
    else:
        html = render_template("storefront/products.html", seo=seo, main_html=Markup(
            render_template("storefront/_listing_main.html", **context)))
    return html, bool(listing.filters.search)


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
