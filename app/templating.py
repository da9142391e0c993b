"""Jinja filters and globals shared by every portal."""
from urllib.parse import urlencode, urljoin

from flask import current_app, has_request_context, request, url_for

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
PAGE_MARKER = "bazaarPAGE"
QUERY_SAFE = "!$'()*,/:;?@"  # werkzeug's: https://url.spec.whatwg.org/#percent-encoded-bytes


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


def register(app):
    app.jinja_env.filters["money"] = format_money
    # Paths of URL rules without variables (navbar, footer, static files) are the same on
    # every request under one script root: build each once, not ~20 times per page.
    paths = {}

    def path(endpoint, filename=None):
        """url_for(endpoint) (or url_for("static", filename=...)), remembered per script root."""
        if not has_request_context():  # e.g. a page rendered by a job: nothing to reuse
            return url_for(endpoint, filename=filename) if filename else url_for(endpoint)
        key = (request.script_root, endpoint, filename)
        found = paths.get(key)
        if found is None:
            found = url_for(endpoint, filename=filename) if filename else url_for(endpoint)
            if len(paths) < 1024:  # the templates name a fixed few
                paths[key] = found
        return found

    def query_path(endpoint, **params):
        """url_for(endpoint, **params) for an endpoint without URL variables, whose params
        all go to the query string: the same URL, for a listing's dozens of facet links.

        Encoded as werkzeug encodes a query (None dropped, lists repeated, same safe set).
        """
        pairs = [(name, item) for name, value in params.items()
                 for item in (value if isinstance(value, list | tuple) else (value,))
                 if item is not None]
        base = path(endpoint)
        return f"{base}?{urlencode(pairs, safe=QUERY_SAFE)}" if pairs else base

    def page_links(endpoint, **params):
        """n -> url_for(endpoint, page=n, **params), building the URL once for all pages."""
        marker = "page=" + PAGE_MARKER
        template = url_for(endpoint, page=PAGE_MARKER, **params)
        # Inside any other parameter's value "=" is percent-encoded, so this finds the page.
        return lambda n: template.replace(marker, f"page={n}", 1)

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
