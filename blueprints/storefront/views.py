"""Storefront pages."""
from flask import current_app, render_template, send_from_directory
from markupsafe import Markup

from app.caching.ttl_cache import cached, make_key
from app.services.catalog import home as home_service
from app.services.catalog.listing.filters import cache_seconds
from blueprints.storefront import bp


def _sections():
    """The home page's sections (categories, new arrivals, top rated, top shops) as HTML.

    Cached whole for LISTING_CACHE_SECONDS (45 s by default; 0 = not cached), the same for
    every visitor. Safe because the fragment is public and shows nothing about the visitor
    (no CSRF token, cart, user or stock; plain /product/<slug> links); its cards show list and
    sale prices, never an event's price, so no event's end can make it wrong. A product or
    shop hidden or deleted, or a price changed, shows here for at most that TTL; its own
    product page checks visibility on every request.
    """
    return render_template(
        "storefront/_home_sections.html",
        categories=home_service.top_categories(),
        new_arrivals=home_service.new_arrivals(),
        top_rated=home_service.top_rated(),
        shops=home_service.top_shops(),
    )


@bp.get("/")
def home():
    sections = cached(make_key("home-sections"), cache_seconds(), _sections)
    return render_template("storefront/home.html", site=home_service.hero(),
                           sections=Markup(sections))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links (feed readers, bookmarks, PDFs)."""
    return send_from_directory(current_app.static_folder, "img/favicon.ico", max_age=86400)
