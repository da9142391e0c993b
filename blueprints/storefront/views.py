"""Storefront pages."""
from flask import current_app, render_template, send_from_directory

from app.services.catalog import home as home_service
from blueprints.storefront import bp, guest_pages


@bp.get("/")
def home():
    html, _ = guest_pages.page(("home",), _render)
    return html


def _render():
    page = render_template(
        "storefront/home.html", site=home_service.hero(),
        categories=home_service.top_categories(), new_arrivals=home_service.new_arrivals(),
        top_rated=home_service.top_rated(), shops=home_service.top_shops())
    return page, None


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links (feed readers, bookmarks, PDFs)."""
    return send_from_directory(current_app.static_folder, "img/favicon.ico", max_age=86400)
