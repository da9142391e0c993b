"""Jinja filters and globals shared by every portal."""
from urllib.parse import urljoin

from flask import current_app, url_for

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_money(cents, currency=None):
    """Integer minor units to a display string: 123456 -> $1,234.56."""
    if cents is None:
        return ""
    currency = (currency or current_app.config["CURRENCY"]).upper()
    sign = "-" if cents < 0 else ""
    major, minor = divmod(abs(int(cents)), 100)
    symbol = CURRENCY_SYMBOLS.get(currency)
    amount = f"{major:,}.{minor:02d}"
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


def absolute_url(path_or_url):
    """A path (as url_for returns it) made absolute on the configured BASE_URL; an absolute
    URL (an image on a CDN) is kept. Never the request's Host header, which any client sets."""
    return urljoin(current_app.config["BASE_URL"].rstrip("/") + "/", path_or_url or "")


def absolute_url_for(endpoint, **values):
    """url_for(endpoint, **values, _external=True), but on BASE_URL: for canonical links,
    og:url and anything else a page shows as an absolute URL."""
    return absolute_url(url_for(endpoint, **values))


def path(endpoint, filename=None):
    """url_for(endpoint), or url_for("static", filename=...) as path("static", filename)."""
    return url_for(endpoint, filename=filename) if filename else url_for(endpoint)


def query_path(endpoint, **params):
    """url_for(endpoint, **params): for a listing's facet links, whose params all go to the
    query string (None dropped, lists repeated)."""
    return url_for(endpoint, **params)


def page_links(endpoint, **params):
    """n -> url_for(endpoint, page=n, **params): the link to each page of a pagination."""
    return lambda n: url_for(endpoint, page=n, **params)


def register(app):
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.globals["path"] = path
    app.jinja_env.globals["page_links"] = page_links
    app.jinja_env.globals["query_path"] = query_path
    app.jinja_env.globals["absolute_url_for"] = absolute_url_for

    @app.context_processor
    def portal_globals():
        return {
            "google_login_enabled": bool(app.config.get("GOOGLE_CLIENT_ID")),
            "site_name": app.config["SITE_NAME"],
        }
