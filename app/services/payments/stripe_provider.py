"""Stripe: hosted Checkout for the buyer, separate Connect transfers to each shop after."""
import logging
from datetime import UTC, datetime

import stripe

from app.models.orders import PaymentProvider
from app.services.payments.provider import PaymentsProvider, ProviderError, ProviderSession

log = logging.getLogger(__name__)

# Refund reasons Stripe knows; anything else travels in the refund's metadata only.
STRIPE_REFUND_REASONS = {"duplicate", "fraudulent", "requested_by_customer"}
CHARGE_TYPES = {"charge", "payment"}
REFUND_TYPES = {"refund", "payment_refund"}


def _epoch(moment):
    return int(moment.replace(tzinfo=UTC).timestamp())


def _naive(epoch):
    return datetime.fromtimestamp(int(epoch), UTC).replace(tzinfo=None)


STRIPE_TIMEOUT = 8  # seconds per request to Stripe


class StripeProvider(PaymentsProvider):
    """Calls Stripe through `stripe.StripeClient`; tests pass a fake `stripe.HTTPClient`."""

    kind = PaymentProvider.STRIPE
    needs_connected_accounts = True

    def __init__(self, api_key, http_client=None, max_network_retries=2):
        # A page worker serves one request at a time and is restarted after 30 s
        # (deploy/gunicorn.conf.py): three tries of at most 8 s each end before that, where
        # the SDK's own default waits 80 s for each.
        http_client = http_client or stripe.new_default_http_client(timeout=STRIPE_TIMEOUT)
        self.client = stripe.StripeClient(api_key, http_client=http_client,
                                          max_network_retries=max_network_retries)
        self.is_test_mode = api_key.startswith(("sk_test_", "rk_test_"))

    def _call(self, what, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except stripe.StripeError as error:
            log.warning("stripe %s failed: %s", what, error)
            raise ProviderError(f"The payment provider could not {what}. "
                                "Please try again in a moment.") from error

    def create_session(self, *, reference, amount_cents, currency, customer_email, line_items,
                       shop_splits, success_url, cancel_url, expires_at):
        if sum(i["quantity"] * i["unit_amount_cents"] for i in line_items) != amount_cents:
            raise ValueError("line items do not add up to the amount")
        params = {
            "mode": "payment",
            "line_items": [{
                "quantity": item["quantity"],
                "price_data": {"currency": currency.lower(),
                               "unit_amount": item["unit_amount_cents"],
                               "product_data": {"name": item["name"][:250]}},
            } for item in line_items],
            "customer_email": customer_email,
            "client_reference_id": reference,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": _epoch(expires_at),
            "metadata": {"reference": reference},
            # Shops are paid by separate transfers after payment, grouped by the reference.
            "payment_intent_data": {"transfer_group": reference,
                                    "metadata": {"reference": reference}},
        }
        session = self._call("start the payment", self.client.v1.checkout.sessions.create,
                             params=params,
                             options={"idempotency_key": f"checkout-session-{reference}"})
        return ProviderSession(id=session.id, url=session.url,
                               expires_at=_naive(session.expires_at))

    def expire_session(self, session_id):
        self._call("close the old payment page", self.client.v1.checkout.sessions.expire,
                   session_id)

    def refund(self, *, payment_ref, amount_cents, reason, idempotency_key):
        params = {"payment_intent": payment_ref, "amount": amount_cents,
                  "metadata": {"reason": (reason or "")[:500]}}
        if reason in STRIPE_REFUND_REASONS:
            params["reason"] = reason
        refund = self._call("refund the payment", self.client.v1.refunds.create, params=params,
                            options={"idempotency_key": idempotency_key})
        return refund.id

    def transfer(self, *, account_id, amount_cents, currency, transfer_group, idempotency_key,
                 source_transaction=None):
        params = {"amount": amount_cents, "currency": currency.lower(),
                  "destination": account_id, "transfer_group": transfer_group}
        if source_transaction:  # the charge id: the transfer waits for its funds
            params["source_transaction"] = source_transaction
        transfer = self._call("pay the shop", self.client.v1.transfers.create, params=params,
                              options={"idempotency_key": idempotency_key})
        return transfer.id

    def list_money_movements(self, since):
        params = {"created": {"gte": _epoch(since)}, "limit": 100, "expand": ["data.source"]}
        page = self._call("list balance transactions",
                          self.client.v1.balance_transactions.list, params=params)
        for txn in page.auto_paging_iter():
            movement = _movement(txn.to_dict())
            if movement is not None:
                yield movement


def _movement(txn):
    """A balance transaction (as a dict) as a money movement, or None for other kinds."""
    source = txn.get("source")
    source = source if isinstance(source, dict) else {"id": source}
    base = {"id": source.get("id"), "amount_cents": abs(int(txn["amount"])),
            "currency": str(txn["currency"]).upper(), "created": _naive(txn["created"]),
            "shop_account_id": None}
    if txn["type"] in CHARGE_TYPES:
        return {**base, "kind": "charge", "reference": source.get("payment_intent")}
    if txn["type"] in REFUND_TYPES:
        return {**base, "kind": "refund", "reference": source.get("payment_intent")}
    if txn["type"] == "transfer":
        return {**base, "kind": "transfer", "reference": source.get("transfer_group"),
                "shop_account_id": source.get("destination")}
    return None
