"""Jinja filters and globals shared by every portal."""
from flask import current_app, has_request_context, request, url_for

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

    app.jinja_env.globals["path"] = path

    @app.context_processor
    def portal_globals():
        return {
            "google_login_enabled": bool(app.config.get("GOOGLE_CLIENT_ID")),
            "site_name": app.config["SITE_NAME"],
        }
