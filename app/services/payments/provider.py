"""The payment provider interface, its value types, and the one configured per app."""
import abc
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

# Stripe Checkout sessions live between 30 minutes and 24 hours.
MIN_SESSION_SECONDS = 30 * 60
MAX_SESSION_SECONDS = 24 * 3600


class ProviderError(Exception):
    """The provider refused or could not be reached; the message is safe to show."""


@dataclass(frozen=True)
class ProviderSession:
    id: str
    url: str
    expires_at: datetime  # naive UTC, like every timestamp column


class PaymentsProvider(abc.ABC):
    """What checkout, fulfilment, refunds and the ledger need from a payment provider.

    All amounts are integer minor units (cents); currencies are ISO codes in any case.
    """

    kind = None  # an app.models.orders.PaymentProvider member
    # True when a shop needs a connected account (Stripe Connect) to be paid.
    needs_connected_accounts = False
    is_test_mode = False

    @abc.abstractmethod
    def create_session(self, *, reference, amount_cents, currency, customer_email, line_items,
                       shop_splits, success_url, cancel_url, expires_at):
        """Open a hosted payment page; returns a ProviderSession.

        line_items: [{"name", "quantity", "unit_amount_cents"}] adding up to amount_cents.
        shop_splits: [{"shop_id", "account_id", "amount_cents", "fee_cents"}].
        """

    @abc.abstractmethod
    def expire_session(self, session_id):
        """Close an open session so it can no longer be paid."""

    @abc.abstractmethod
    def refund(self, *, payment_ref, amount_cents, reason, idempotency_key):
        """Refund part or all of a payment (its payment intent id); returns the refund id."""

    @abc.abstractmethod
    def transfer(self, *, account_id, amount_cents, currency, transfer_group, idempotency_key,
                 source_transaction=None):
        """Pay a shop's share to its connected account; returns the transfer id."""

    @abc.abstractmethod
    def list_money_movements(self, since):
        """Movements since `since` (naive UTC) as dicts, for `flask ledger reconcile`:
        {"kind": "charge"|"refund"|"transfer", "id", "reference", "amount_cents" (positive),
         "currency", "shop_account_id" (transfers) or None, "created" (naive UTC)}.
        `reference` is the payment intent id for charges and refunds, the transfer group
        (the checkout reference) for transfers."""


def webhook_secret(config=None):
    """The secret webhooks are signed with: STRIPE_WEBHOOK_SECRET, else one derived from
    SECRET_KEY, so the offline provider's events pass the very same verification."""
    config = config if config is not None else current_app.config
    if config.get("STRIPE_WEBHOOK_SECRET"):
        return config["STRIPE_WEBHOOK_SECRET"]
    digest = hmac.new(config["SECRET_KEY"].encode(), b"offline-webhook", hashlib.sha256)
    return "whsec_offline_" + digest.hexdigest()
