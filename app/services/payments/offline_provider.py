"""The offline test provider: a local "test payment" page whose events are signed like Stripe's."""
import hashlib
import json
import logging
import time
from collections import defaultdict

import stripe
from sqlalchemy import select

from app.extensions import db
from app.models.orders import (
    CheckoutSession,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentProvider,
    PaymentStatus,
)
from app.models.shops import Shop
from app.services.payments.provider import PaymentsProvider, ProviderError, ProviderSession

log = logging.getLogger(__name__)

SESSION_PREFIX = "cs_offline_"
PAY_PATH = "/checkout/test-pay/{session_id}"
PAID_STATUSES = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)


def _derived_id(prefix, key):
    return prefix + hashlib.sha256(key.encode()).hexdigest()[:24]


class OfflineProvider(PaymentsProvider):
    """Moves no money and keeps no books of its own.

    A session id carries the checkout reference ("cs_offline_<reference>"); refund and transfer
    ids are derived from their idempotency keys, so retries return the same id, as Stripe's do.
    For `flask ledger reconcile` it reports charges from the Payment rows, and refunds and
    transfers from the ledger rows holding its ids.
    """

    kind = PaymentProvider.OFFLINE
    needs_connected_accounts = False
    is_test_mode = True

    def __init__(self, webhook_secret):
        self.webhook_secret = webhook_secret

    def create_session(self, *, reference, amount_cents, currency, customer_email, line_items,
                       shop_splits, success_url, cancel_url, expires_at):
        if sum(i["quantity"] * i["unit_amount_cents"] for i in line_items) != amount_cents:
            raise ValueError("line items do not add up to the amount")
        session_id = SESSION_PREFIX + reference
        log.info("offline payment session %s: %s %s, splits %s", session_id, amount_cents,
                 currency, [(s["shop_id"], s["amount_cents"], s["fee_cents"])
                            for s in shop_splits])
        return ProviderSession(id=session_id, url=PAY_PATH.format(session_id=session_id),
                               expires_at=expires_at)

    def expire_session(self, session_id):
        """Nothing to tell: the test payment page refuses sessions that are not open."""

    def refund(self, *, payment_ref, amount_cents, reason, idempotency_key):
        if amount_cents <= 0:
            raise ProviderError("A refund must be for a positive amount.")
        return _derived_id("re_offline_", idempotency_key)

    def transfer(self, *, account_id, amount_cents, currency, transfer_group, idempotency_key,
                 source_transaction=None):
        if amount_cents <= 0:
            raise ProviderError("A transfer must be for a positive amount.")
        return _derived_id("tr_offline_", idempotency_key)

    @staticmethod
    def payment_intent_for(session_id):
        return _derived_id("pi_offline_", session_id)

    def build_paid_event(self, session_id):
        """(payload bytes, Stripe-Signature header) of a `checkout.session.completed` event.

        The event id is fixed per session, so paying twice replays one event, as Stripe's
        retries do.
        """
        row = db.session.scalar(select(CheckoutSession).where(
            CheckoutSession.provider_session_id == session_id,
            CheckoutSession.provider == PaymentProvider.OFFLINE))
        if row is None:
            raise ProviderError("We could not find that test payment.")
        reference = session_id.removeprefix(SESSION_PREFIX)
        event = {
            "id": _derived_id("evt_offline_", session_id), "object": "event",
            "type": "checkout.session.completed", "created": int(time.time()),
            "livemode": False, "api_version": stripe.api_version,
            "data": {"object": {
                "id": session_id, "object": "checkout.session", "mode": "payment",
                "status": "complete", "payment_status": "paid",
                "payment_intent": self.payment_intent_for(session_id),
                "amount_total": row.amount_cents, "currency": row.currency.lower(),
                "customer_email": (row.snapshot or {}).get("email"),
                "client_reference_id": reference, "metadata": {"reference": reference},
            }},
        }
        payload = json.dumps(event, separators=(",", ":"))
        header = stripe.WebhookSignature.generate_signature_header(payload, self.webhook_secret)
        return payload.encode(), header

    def list_money_movements(self, since):
        payments = db.session.scalars(select(Payment).where(
            Payment.provider == PaymentProvider.OFFLINE, Payment.status.in_(PAID_STATUSES),
            Payment.paid_at >= since).order_by(Payment.paid_at, Payment.id))
        for payment in payments:
            yield {"kind": "charge", "id": payment.provider_payment_id,
                   "reference": payment.provider_payment_id, "amount_cents": payment.amount_cents,
                   "currency": payment.currency, "shop_account_id": None,
                   "created": payment.paid_at}
        yield from self._ledger_movements(since)

    def _ledger_movements(self, since):
        rows = db.session.execute(
            select(LedgerEntry.kind, LedgerEntry.provider_reference, LedgerEntry.amount_cents,
                   LedgerEntry.currency, LedgerEntry.created_at, Shop.stripe_account_id)
            .outerjoin(Shop, Shop.id == LedgerEntry.shop_id)
            .where(LedgerEntry.created_at >= since,
                   LedgerEntry.kind.in_((LedgerKind.REFUND, LedgerKind.PAYOUT)),
                   LedgerEntry.provider_reference.like("%\\_offline\\_%", escape="\\"))
            .order_by(LedgerEntry.created_at, LedgerEntry.id))
        grouped = defaultdict(lambda: {"amount_cents": 0})
        for kind, ref, amount, currency, created, account in rows:
            name = "refund" if kind == LedgerKind.REFUND else "transfer"
            if not ref.startswith(("re_offline_", "tr_offline_")):
                continue
            item = grouped[(name, ref)]
            item.update(kind=name, id=ref, reference=None, currency=currency, created=created,
                        shop_account_id=account if name == "transfer" else None)
            item["amount_cents"] += abs(amount)
        yield from grouped.values()
