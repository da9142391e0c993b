"""POST /webhooks/stripe: signatures checked by the Stripe SDK, replays and event order."""
import json
import time

import pytest
import stripe
from sqlalchemy import select

from app.extensions import db
from app.models.catalog import ProductVariant
from app.models.notifications import Notification
from app.models.orders import CheckoutSession, CheckoutStatus, Payment, ProcessedWebhookEvent
from app.services.payments import get_provider
from app.services.payments.webhooks import receive
from tests.factories_cart import shop_with_product
from tests.factories_payments import (
    counts,
    create_checkout,
    event_for,
    in_context,
    orders_of,
    post_event,
    settle,
    shop_part,
    sign,
)
from tests.support import modes

EMPTY = {"orders": 0, "payments": 0, "ledger_entries": 0, "processed_webhook_events": 0}


@pytest.fixture
def bought(app, factory):
    """A shopper's open checkout for 2 units of a product with 10 in stock."""
    shop, product = shop_with_product(app, factory, price_cents=2000)
    buyer = factory.shopper()
    checkout = create_checkout(app, buyer, [shop_part(shop, [(product, product.variants[0], 2)])])
    return checkout, product.variants[0], buyer


def stock_of(app, variant):
    return in_context(app, lambda: db.session.get(ProductVariant, variant.id).stock)


def session_status(app, checkout):
    return in_context(app, lambda: db.session.scalar(select(CheckoutSession.status).where(
        CheckoutSession.provider_session_id == checkout.session_id)))


def test_signed_paid_event_creates_the_order(app, client, bought):
    checkout, variant, _ = bought
    response = post_event(client, app, event_for(checkout))
    assert response.status_code == 200
    assert response.get_json()["received"] is True
    settle(app)
    [order] = orders_of(app, checkout)
    assert order.total_cents == checkout.amount_cents == 4500
    assert stock_of(app, variant) == 8
    assert session_status(app, checkout) == CheckoutStatus.PAID


@pytest.mark.parametrize("tamper", ["wrong secret", "no header", "stale", "edited body",
                                    "garbage header"])
def test_unverifiable_webhook_is_rejected_and_writes_nothing(app, client, bought, tamper):
    checkout, variant, _ = bought
    event = event_for(checkout)
    payload, header = sign(app, event, secret="whsec_somebody_else" if tamper == "wrong secret"
                           else None,
                           timestamp=int(time.time()) - 301 if tamper == "stale" else None)
    if tamper == "edited body":
        payload = payload.replace(b'"amount_total":4500', b'"amount_total":1')
    headers = {"Stripe-Signature": {"no header": "", "garbage header": "t=abc,v1"}.get(
        tamper, header)}
    response = client.post("/webhooks/stripe", data=payload, headers=headers)
    assert response.status_code == 400
    assert "error" in response.get_json()
    settle(app)
    assert counts(app) == EMPTY
    assert stock_of(app, variant) == 10


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'"text"', "\u00e9".encode("latin-1"),
                                  b'{"type": "checkout.session.completed", "data": {"object": {}}}',
                                  b'{"id": "evt_1", "data": {"object": {}}}',
                                  b'{"id": "evt_1", "type": "x", "data": []}'])
def test_signed_but_malformed_body_is_rejected(app, client, bought, body):
    with app.app_context():
        secret = receive.webhook_secret()
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode("utf-8", errors="replace"), secret)
    response = client.post("/webhooks/stripe", data=body, headers={"Stripe-Signature": header})
    assert response.status_code == 400
    assert counts(app) == EMPTY


def test_webhook_needs_post_and_no_csrf_token(client):
    assert client.get("/webhooks/stripe").status_code == 405


def test_same_event_replayed_five_times_creates_one_order_one_email_one_decrement(
        app, client, bought, mailbox):
    checkout, variant, buyer = bought
    event = event_for(checkout)
    for _ in range(5):
        assert post_event(client, app, event).status_code == 200
    settle(app)
    assert len(orders_of(app, checkout)) == 1
    assert stock_of(app, variant) == 8
    assert counts(app)["payments"] == 1
    assert counts(app)["processed_webhook_events"] == 1 + 1  # the event + the effects step
    mailbox.wait_for(buyer.email, subject="confirmed")
    time.sleep(0.2)
    assert len([m for m in mailbox.messages(buyer.email) if "confirmed" in m.subject]) == 1


def test_different_event_for_a_paid_session_creates_nothing_more(app, client, bought, mailbox):
    checkout, variant, buyer = bought
    post_event(client, app, event_for(checkout))
    post_event(client, app, event_for(checkout, kind="checkout.session.async_payment_succeeded"))
    settle(app)
    assert len(orders_of(app, checkout)) == 1
    assert stock_of(app, variant) == 8
    assert counts(app)["payments"] == 1
    assert len([m for m in mailbox.messages(buyer.email) if "confirmed" in m.subject]) == 1


def test_unknown_event_type_is_recorded_and_ignored(app, client, bought):
    checkout, _, _ = bought
    event = event_for(checkout, kind="charge.dispute.created")
    assert post_event(client, app, event).status_code == 200
    assert post_event(client, app, event).status_code == 200
    settle(app)
    assert counts(app) == {**EMPTY, "processed_webhook_events": 1}
    assert session_status(app, checkout) == CheckoutStatus.OPEN


def test_expired_event_expires_an_open_session_only(app, client, bought):
    checkout, _, _ = bought
    post_event(client, app, event_for(checkout, kind="checkout.session.expired"))
    settle(app)
    assert session_status(app, checkout) == CheckoutStatus.EXPIRED
    assert counts(app)["orders"] == 0


def test_expired_event_after_completed_never_unpays(app, client, bought):
    checkout, _, _ = bought
    post_event(client, app, event_for(checkout))
    post_event(client, app, event_for(checkout, kind="checkout.session.expired"))
    settle(app)
    assert session_status(app, checkout) == CheckoutStatus.PAID
    assert len(orders_of(app, checkout)) == 1


@pytest.mark.parametrize("status", [CheckoutStatus.EXPIRED, CheckoutStatus.REPLACED])
def test_completed_event_for_an_expired_or_replaced_session_is_still_fulfilled(
        app, client, factory, status):
    shop, product = shop_with_product(app, factory)
    checkout = create_checkout(app, factory.shopper(),
                               [shop_part(shop, [(product, product.variants[0], 1)])],
                               status=status)
    post_event(client, app, event_for(checkout))
    settle(app)
    assert len(orders_of(app, checkout)) == 1  # the money was taken: the buyer gets the goods
    assert session_status(app, checkout) == CheckoutStatus.PAID


def test_unpaid_completion_waits_for_the_async_payment(app, client, bought):
    checkout, variant, _ = bought
    post_event(client, app, event_for(checkout, payment_status="unpaid"))
    settle(app)
    assert counts(app)["orders"] == 0
    assert session_status(app, checkout) == CheckoutStatus.OPEN
    post_event(client, app, event_for(checkout, kind="checkout.session.async_payment_succeeded"))
    settle(app)
    assert len(orders_of(app, checkout)) == 1
    assert stock_of(app, variant) == 8


def test_event_for_an_unknown_session_alerts_admins_and_creates_nothing(app, client, factory,
                                                                       bought):
    admin = factory.admin()
    checkout, _, _ = bought
    checkout.session_id = "cs_not_ours"
    post_event(client, app, event_for(checkout))
    settle(app)
    assert counts(app)["orders"] == 0 and counts(app)["payments"] == 0
    titles = in_context(app, lambda: list(db.session.scalars(select(Notification.title).where(
        Notification.receiver_id == admin.id))))
    assert titles == ["Payment for an unknown checkout"]


def test_offline_providers_signed_event_takes_the_same_path(app, client, bought):
    checkout, variant, _ = bought
    with app.app_context():
        payload, header = get_provider().build_paid_event(checkout.session_id)
    assert json.loads(payload)["data"]["object"]["amount_total"] == checkout.amount_cents
    response = client.post("/webhooks/stripe", data=payload, headers={"Stripe-Signature": header})
    assert response.status_code == 200
    settle(app)
    [order] = orders_of(app, checkout)
    assert stock_of(app, variant) == 8
    payment = in_context(app, lambda: db.session.scalar(select(Payment.provider_payment_id)))
    assert payment.startswith("pi_offline_")


def test_receive_returns_the_event_id_and_queues_processing(app, bought):
    checkout, _, _ = bought
    event = event_for(checkout)
    with app.app_context():
        assert receive.receive(*sign(app, event)) == event["id"]
    settle(app)
    ids = in_context(app, lambda: list(db.session.scalars(select(
        ProcessedWebhookEvent.event_id).where(ProcessedWebhookEvent.event_type != "bazaar.step"))))
    assert ids == [event["id"]]


def test_webhook_is_exempt_from_csrf_when_csrf_is_on(make_app, app, bought):
    checkout, _, _ = bought
    strict = make_app(WTF_CSRF_ENABLED=True)
    response = post_event(strict.test_client(), strict, event_for(checkout))
    assert response.status_code == 200
    settle(app)
    assert len(orders_of(app, checkout)) == 1


@pytest.mark.skipif(modes.SERVICES, reason="patches the processing in this process")
def test_failed_inline_processing_answers_503_so_the_provider_retries(app, client, bought,
                                                                      monkeypatch):
    from app.services.orders.fulfilment import create

    checkout, variant, _ = bought
    event = event_for(checkout)

    def crash(*args):
        raise RuntimeError("database went away")

    monkeypatch.setattr(create, "_create_orders", crash)
    assert post_event(client, app, event).status_code == 503
    assert counts(app) == EMPTY  # rolled back, the event marker included
    monkeypatch.undo()
    assert post_event(client, app, event).status_code == 200
    assert len(orders_of(app, checkout)) == 1
    assert stock_of(app, variant) == 8
