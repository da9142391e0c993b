"""The payment provider an app is configured with: Stripe with keys, else the offline one."""
from flask import current_app

from app.services.payments.provider import webhook_secret


def build_provider(config, http_client=None):
    """Stripe when STRIPE_SECRET_KEY is set, the offline test provider otherwise."""
    if config.get("STRIPE_SECRET_KEY"):
        from app.services.payments.stripe_provider import StripeProvider

        return StripeProvider(config["STRIPE_SECRET_KEY"], http_client=http_client)
    from app.services.payments.offline_provider import OfflineProvider

    return OfflineProvider(webhook_secret(config))


def get_provider():
    """The current app's provider, built once and kept in app.extensions["payments"]."""
    app = current_app._get_current_object()
    provider = app.extensions.get("payments")
    if provider is None:
        provider = app.extensions["payments"] = build_provider(app.config)
    return provider
