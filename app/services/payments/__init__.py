"""Payment providers: Stripe Checkout with Connect transfers, or the offline test provider."""
from app.services.payments.configured import build_provider, get_provider
from app.services.payments.provider import (
    PaymentsProvider,
    ProviderError,
    ProviderSession,
    webhook_secret,
)

__all__ = ["PaymentsProvider", "ProviderError", "ProviderSession", "build_provider",
           "get_provider", "webhook_secret"]
