"""The payment provider an app is configured with: Stripe with keys, else the offline one.

`payments.init_app(app)` (create_app's register_extensions) builds it into
app.extensions["payments"], where tests swap it. The extension object lives here rather than
in app/extensions.py because the providers use `db` from there: importing them back from
extensions.py would be an import cycle.
"""
from flask import current_app

from app.services.payments.provider import webhook_secret


def build_provider(config, http_client=None):
    """Stripe when STRIPE_SECRET_KEY is set, the offline test provider otherwise."""
    if config.get("STRIPE_SECRET_KEY"):
        from app.services.payments.stripe_provider import StripeProvider

        return StripeProvider(config["STRIPE_SECRET_KEY"], http_client=http_client)
    from app.services.payments.offline_provider import OfflineProvider

    return OfflineProvider(webhook_secret(config))


class Payments:
    """The payments extension: one shared object, each app's provider in its extensions."""

    def init_app(self, app):
        app.extensions["payments"] = build_provider(app.config)

    @property
    def provider(self):
        return current_app.extensions["payments"]


payments = Payments()


def get_provider():
    """The current app's provider (built by payments.init_app)."""
    return payments.provider
