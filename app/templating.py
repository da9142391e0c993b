"""Jinja filters and globals shared by every portal."""
from flask import current_app

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

    @app.context_processor
    def portal_globals():
        return {
            "google_login_enabled": bool(app.config.get("GOOGLE_CLIENT_ID")),
            "site_name": app.config["SITE_NAME"],
        }
