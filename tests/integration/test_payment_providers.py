"""Payment providers: Stripe through the real SDK to a fake HTTP client; offline events."""
import calendar
import json
from datetime import timedelta

import pytest
import stripe

from app.models.base import utcnow
from app.models.orders import PaymentProvider
from app.services.payments import ProviderError, build_provider, get_provider, webhook_secret
from app.services.payments.offline_provider import OfflineProvider
from app.services.payments.stripe_provider import StripeProvider
from tests.factories_checkout import FakeStripe, login, ready_cart, sessions_of

LINES = [{"name": "Linen tote (Red / M)", "quantity": 2, "unit_amount_cents": 1250},
         {"name": "Shipping from Shop 1", "quantity": 1, "unit_amount_cents": 500}]
SPLITS = [{"shop_id": 1, "account_id": "acct_1", "amount_cents": 3000, "fee_cents": 300}]


@pytest.fixture
def fake():
    return FakeStripe()


@pytest.fixture
def provider(fake):
    return StripeProvider("sk_test_fake", http_client=fake, max_network_retries=0)


def open_session(provider, expires_at=None, **changes):
    values = dict(reference="bzc_ref1", amount_cents=3000, currency="USD",
                  customer_email="ada@example.com", line_items=LINES, shop_splits=SPLITS,
                  success_url="https://shop.test/checkout/success?session_id="
                              "{CHECKOUT_SESSION_ID}",
                  cancel_url="https://shop.test/checkout/cancel",
                  expires_at=expires_at or (utcnow() + timedelta(hours=1)).replace(microsecond=0))
    return provider.create_session(**{**values, **changes})


# --- Stripe -------------------------------------------------------------------------------

def test_stripe_session_request_carries_items_amounts_and_the_transfer_group(provider, fake):
    expires = (utcnow() + timedelta(minutes=45)).replace(microsecond=0)
    session = open_session(provider, expires_at=expires)
    [call] = fake.posts("/v1/checkout/sessions")
    body = call["body"]
    assert body["mode"] == "payment"
    assert body["line_items[0][price_data][currency]"] == "usd"
    assert body["line_items[0][price_data][unit_amount]"] == "1250"
    assert body["line_items[0][quantity]"] == "2"
    assert body["line_items[0][price_data][product_data][name]"] == "Linen tote (Red / M)"
    assert body["line_items[1][price_data][unit_amount]"] == "500"
    assert body["customer_email"] == "ada@example.com"
    assert body["success_url"].endswith("?session_id={CHECKOUT_SESSION_ID}")
    assert body["cancel_url"] == "https://shop.test/checkout/cancel"
    assert body["metadata[reference]"] == "bzc_ref1"
    assert body["payment_intent_data[transfer_group]"] == "bzc_ref1"
    assert int(body["expires_at"]) == calendar.timegm(expires.timetuple())
    assert session.expires_at == expires
    assert call["headers"]["Idempotency-Key"] == "checkout-session-bzc_ref1"
    assert call["headers"]["Authorization"] == "Bearer sk_test_fake"
    assert session.id.startswith("cs_test_fake")
    assert session.url.startswith("https://checkout.stripe.com/")


def test_stripe_session_refuses_line_items_that_do_not_add_up(provider, fake):
    with pytest.raises(ValueError):
        open_session(provider, amount_cents=2999)
    assert fake.requests == []


def test_stripe_expire_posts_to_the_sessions_expire_endpoint(provider, fake):
    provider.expire_session("cs_test_abc")
    assert [r["path"] for r in fake.requests] == ["/v1/checkout/sessions/cs_test_abc/expire"]


def test_stripe_refund_names_the_payment_intent_amount_and_idempotency_key(provider, fake):
    refund_id = provider.refund(payment_ref="pi_123", amount_cents=750,
                                reason="requested_by_customer", idempotency_key="refund-o1-1")
    [call] = fake.posts("/v1/refunds")
    assert call["body"]["payment_intent"] == "pi_123"
    assert call["body"]["amount"] == "750"
    assert call["body"]["reason"] == "requested_by_customer"
    assert call["headers"]["Idempotency-Key"] == "refund-o1-1"
    assert refund_id.startswith("re_fake")


def test_stripe_refund_keeps_a_free_text_reason_in_metadata_only(provider, fake):
    provider.refund(payment_ref="pi_1", amount_cents=100, reason="Out of stock at payment",
                    idempotency_key="k")
    body = fake.posts("/v1/refunds")[0]["body"]
    assert "reason" not in body
    assert body["metadata[reason]"] == "Out of stock at payment"


def test_stripe_transfer_pays_the_connected_account_in_the_transfer_group(provider, fake):
    transfer_id = provider.transfer(account_id="acct_9", amount_cents=2700, currency="USD",
                                    transfer_group="bzc_ref1", idempotency_key="payout-o1",
                                    source_transaction="ch_1")
    [call] = fake.posts("/v1/transfers")
    assert call["body"] == {"amount": "2700", "currency": "usd", "destination": "acct_9",
                            "transfer_group": "bzc_ref1", "source_transaction": "ch_1"}
    assert call["headers"]["Idempotency-Key"] == "payout-o1"
    assert transfer_id.startswith("tr_fake")


def test_stripe_errors_become_provider_errors_with_a_safe_message(provider, fake):
    fake.fail_next = (400, "No such payment_intent: 'pi_x'")
    with pytest.raises(ProviderError) as caught:
        provider.refund(payment_ref="pi_x", amount_cents=1, reason=None, idempotency_key="k")
    assert "pi_x" not in str(caught.value)
    assert "could not refund the payment" in str(caught.value)


def test_stripe_money_movements_map_balance_transactions(provider, fake):
    created = int(utcnow().timestamp())
    fake.balance_transactions = [
        {"id": "txn_1", "object": "balance_transaction", "type": "charge", "amount": 3000,
         "currency": "usd", "created": created,
         "source": {"id": "ch_1", "object": "charge", "payment_intent": "pi_1"}},
        {"id": "txn_2", "object": "balance_transaction", "type": "refund", "amount": -500,
         "currency": "usd", "created": created,
         "source": {"id": "re_1", "object": "refund", "payment_intent": "pi_1"}},
        {"id": "txn_3", "object": "balance_transaction", "type": "transfer", "amount": -2700,
         "currency": "usd", "created": created,
         "source": {"id": "tr_1", "object": "transfer", "transfer_group": "bzc_ref1",
                    "destination": "acct_9"}},
        {"id": "txn_4", "object": "balance_transaction", "type": "stripe_fee", "amount": -90,
         "currency": "usd", "created": created, "source": None},
    ]
    movements = list(provider.list_money_movements(utcnow() - timedelta(days=1)))
    assert [(m["kind"], m["id"], m["reference"], m["amount_cents"], m["shop_account_id"])
            for m in movements] == [("charge", "ch_1", "pi_1", 3000, None),
                                    ("refund", "re_1", "pi_1", 500, None),
                                    ("transfer", "tr_1", "bzc_ref1", 2700, "acct_9")]
    [call] = fake.requests
    assert call["method"] == "get" and call["body"]["expand[0]"] == "data.source"


# --- offline ------------------------------------------------------------------------------

def test_offline_paid_event_is_signed_like_stripe_and_verifies(app, factory, client):
    ready = ready_cart(app, factory, price_cents=1000, quantity=2, rate_cents=500)
    login(client, ready.shopper)
    client.post("/checkout/pay", data={"address_id": ready.address.id})
    [row] = sessions_of(app, ready.shopper)
    with app.test_request_context():
        provider = get_provider()
        payload, header = provider.build_paid_event(row.provider_session_id)
        event = stripe.Webhook.construct_event(payload, header, webhook_secret())
        again, _ = provider.build_paid_event(row.provider_session_id)
    body = json.loads(payload)
    assert event.type == "checkout.session.completed"
    assert body["id"] == json.loads(again)["id"]  # paying twice replays one event
    obj = body["data"]["object"]
    assert obj["id"] == row.provider_session_id
    assert obj["object"] == "checkout.session" and obj["payment_status"] == "paid"
    assert obj["amount_total"] == row.amount_cents == 2500
    assert obj["currency"] == "usd"
    assert obj["payment_intent"].startswith("pi_offline_")
    assert obj["metadata"]["reference"].startswith("bzc_")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, "whsec_someone_else")


def test_offline_event_for_an_unknown_session_is_refused(app):
    with app.app_context(), pytest.raises(ProviderError):
        OfflineProvider("whsec_x").build_paid_event("cs_offline_nope")


def test_offline_refund_and_transfer_ids_are_stable_per_idempotency_key():
    provider = OfflineProvider("whsec_x")
    first = provider.refund(payment_ref="pi_1", amount_cents=100, reason="x",
                            idempotency_key="refund-1")
    assert first == provider.refund(payment_ref="pi_1", amount_cents=100, reason="x",
                                    idempotency_key="refund-1")
    assert first != provider.refund(payment_ref="pi_1", amount_cents=100, reason="x",
                                    idempotency_key="refund-2")
    assert provider.transfer(account_id=None, amount_cents=5, currency="USD",
                             transfer_group="g", idempotency_key="t").startswith("tr_offline_")
    with pytest.raises(ProviderError):
        provider.refund(payment_ref="pi_1", amount_cents=0, reason="x", idempotency_key="z")


def test_the_provider_follows_the_config_and_is_built_once_per_app(app, make_app):
    with app.app_context():
        assert get_provider() is get_provider()
        assert get_provider().kind == PaymentProvider.OFFLINE
    assert build_provider({"STRIPE_SECRET_KEY": "sk_test_1"}).kind == PaymentProvider.STRIPE
    stripe_mode = make_app(STRIPE_SECRET_KEY="sk_test_other")
    with stripe_mode.app_context():
        assert isinstance(get_provider(), StripeProvider)
        assert get_provider().needs_connected_accounts


def test_the_webhook_secret_is_configured_or_derived_from_the_secret_key():
    assert webhook_secret({"STRIPE_WEBHOOK_SECRET": "whsec_real", "SECRET_KEY": "k"}) \
        == "whsec_real"
    derived = webhook_secret({"STRIPE_WEBHOOK_SECRET": None, "SECRET_KEY": "k1"})
    assert derived.startswith("whsec_offline_")
    assert derived != webhook_secret({"STRIPE_WEBHOOK_SECRET": None, "SECRET_KEY": "k2"})
