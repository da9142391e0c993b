"""Payment providers: Stripe Checkout with Connect transfers, or the offline test provider."""
from app.services.payments.configured import Payments, build_provider, get_provider, payments
from app.services.payments.provider import (
    PaymentsProvider,
    ProviderError,
    ProviderSession,
    webhook_secret,
)

__all__ = ["Payments", "PaymentsProvider", "ProviderError", "ProviderSession", "build_provider",
           "get_provider", "payments", "webhook_secret"]
