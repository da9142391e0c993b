"""One payment session per cart: reused while unchanged, replaced when changed, dropped expired."""
from datetime import timedelta

import pytest
from redis import Redis

from app.models.base import utcnow
from app.models.orders import CheckoutStatus
from app.services.checkout import sessions as checkout_sessions
from tests.factories_account import create_address
from tests.factories_cart import create_code, set_guest_session
from tests.factories_catalog import set_product
from tests.factories_checkout import (
    FakeStripe,
    connect_account,
    login,
    ready_cart,
    sessions_of,
    set_quantity,
    stripe_app,
)
from tests.support import modes


@pytest.fixture
def ready(app, factory, client):
    ready = ready_cart(app, factory, price_cents=1000, quantity=2)
    login(client, ready.shopper)
    return ready


def pay(client, address):
    return client.post("/checkout/pay", data={"address_id": address.id})


def statuses(app, user):
    return [row.status for row in sessions_of(app, user)]


def test_a_second_pay_on_an_unchanged_cart_reuses_the_open_session(app, client, ready):
    first, second = pay(client, ready.address), pay(client, ready.address)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    [row] = sessions_of(app, ready.shopper)
    assert row.status == CheckoutStatus.OPEN and row.url == first.headers["Location"]


def test_a_changed_quantity_replaces_the_session(app, client, ready):
    first = pay(client, ready.address)
    set_quantity(app, ready.shopper, ready.variant, 3)
    second = pay(client, ready.address)
    assert first.headers["Location"] != second.headers["Location"]
    old, new = sessions_of(app, ready.shopper)
    assert (old.status, new.status) == (CheckoutStatus.REPLACED, CheckoutStatus.OPEN)
    assert new.amount_cents == old.amount_cents + 1000


def test_another_address_replaces_the_session(app, client, ready):
    pay(client, ready.address)
    pay(client, create_address(app, ready.shopper, line1="1 Other Street"))
    assert statuses(app, ready.shopper) == [CheckoutStatus.REPLACED, CheckoutStatus.OPEN]


def test_applying_a_code_replaces_the_session(app, client, ready):
    pay(client, ready.address)
    create_code(app, "AGAIN", percent_off=10)
    set_guest_session(client, coupon="AGAIN")
    pay(client, ready.address)
    old, new = sessions_of(app, ready.shopper)
    assert old.status == CheckoutStatus.REPLACED
    assert new.snapshot["coupon"]["code"] == "AGAIN" and new.amount_cents < old.amount_cents


def test_a_new_price_for_the_same_cart_replaces_the_session(app, client, ready):
    pay(client, ready.address)
    set_product(app, ready.product, regular_price_cents=1500)
    pay(client, ready.address)
    old, new = sessions_of(app, ready.shopper)
    assert old.cart_fingerprint == new.cart_fingerprint
    assert (old.status, new.amount_cents) == (CheckoutStatus.REPLACED, old.amount_cents + 1000)


def test_an_expired_session_is_discarded_and_a_new_one_opened(app, client, ready, monkeypatch):
    first = pay(client, ready.address)
    later = utcnow() + checkout_sessions.SESSION_LIFETIME + timedelta(minutes=1)
    monkeypatch.setattr(checkout_sessions, "now", lambda: later)
    second = pay(client, ready.address)
    assert first.headers["Location"] != second.headers["Location"]
    assert statuses(app, ready.shopper) == [CheckoutStatus.EXPIRED, CheckoutStatus.OPEN]


def test_a_session_about_to_expire_is_not_handed_out_again(app, client, ready, monkeypatch):
    pay(client, ready.address)
    nearly = utcnow() + checkout_sessions.SESSION_LIFETIME - timedelta(minutes=2)
    monkeypatch.setattr(checkout_sessions, "now", lambda: nearly)
    pay(client, ready.address)
    assert statuses(app, ready.shopper) == [CheckoutStatus.REPLACED, CheckoutStatus.OPEN]


def test_a_paid_session_is_never_reused(app, client, ready):
    pay(client, ready.address)
    with app.app_context():
        from app.extensions import db
        from app.models.orders import CheckoutSession

        db.session.query(CheckoutSession).update({"status": CheckoutStatus.PAID})
        db.session.commit()
    pay(client, ready.address)
    assert statuses(app, ready.shopper) == [CheckoutStatus.PAID, CheckoutStatus.OPEN]


def test_other_shoppers_sessions_are_left_alone(app, factory, client, ready):
    pay(client, ready.address)
    other = ready_cart(app, factory)
    other_client = app.test_client()
    login(other_client, other.shopper)
    pay(other_client, other.address)
    set_quantity(app, ready.shopper, ready.variant, 1)
    pay(client, ready.address)
    assert statuses(app, other.shopper) == [CheckoutStatus.OPEN]


# --- with Stripe ----------------------------------------------------------------------------

@pytest.fixture
def stripe_client(app, make_app, factory):
    fake = FakeStripe()
    web = stripe_app(make_app, fake).test_client()
    ready = ready_cart(app, factory, price_cents=1000, quantity=2)
    connect_account(app, ready.shop, "acct_shop1")
    login(web, ready.shopper)
    return web, fake, ready


def test_stripe_reuse_makes_no_second_session_and_replacement_expires_the_old(app,
                                                                             stripe_client):
    web, fake, ready = stripe_client
    first = pay(web, ready.address)
    assert first.status_code == 303
    assert first.headers["Location"].startswith("https://checkout.stripe.com/")
    pay(web, ready.address)
    assert len(fake.posts("/v1/checkout/sessions")) == 1
    set_quantity(app, ready.shopper, ready.variant, 1)
    pay(web, ready.address)
    old, new = sessions_of(app, ready.shopper)
    assert [r["path"] for r in fake.posts("/v1/checkout/sessions/")] == [
        f"/v1/checkout/sessions/{old.provider_session_id}/expire"]
    assert (old.status, new.status) == (CheckoutStatus.REPLACED, CheckoutStatus.OPEN)


def test_stripe_session_amounts_come_from_the_snapshot(app, stripe_client):
    web, fake, ready = stripe_client
    pay(web, ready.address)
    [row] = sessions_of(app, ready.shopper)
    body = fake.posts("/v1/checkout/sessions")[0]["body"]
    reference = body["metadata[reference]"]
    assert body["payment_intent_data[transfer_group]"] == reference
    assert body["customer_email"] == ready.shopper.email
    assert body["success_url"] == ("http://127.0.0.1:5000/checkout/success"
                                   "?session_id={CHECKOUT_SESSION_ID}")
    assert (row.expires_at - utcnow()) >= timedelta(minutes=30)
    charged = sum(int(body[f"line_items[{i}][price_data][unit_amount]"])
                  * int(body[f"line_items[{i}][quantity]"])
                  for i in range(len(row.snapshot["shops"][0]["lines"]) + 1))
    assert charged == row.amount_cents == 2500


def test_when_stripe_fails_nothing_is_left_open_and_the_shopper_is_told(app, stripe_client):
    web, fake, ready = stripe_client
    pay(web, ready.address)
    set_quantity(app, ready.shopper, ready.variant, 1)
    fake.fail_on["/v1/checkout/sessions"] = (402, "Your account cannot make live charges.")
    response = pay(web, ready.address)
    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "could not start the payment" in page
    assert "live charges" not in page
    assert statuses(app, ready.shopper) == [CheckoutStatus.REPLACED]


# --- Redis pointer (services run) -----------------------------------------------------------

@pytest.mark.services
def test_the_open_session_is_pointed_at_from_redis_with_its_expiry(app, client, ready):
    first = pay(client, ready.address)
    [row] = sessions_of(app, ready.shopper)
    redis = Redis.from_url(modes.REDIS_URL)
    key = checkout_sessions.POINTER_KEY.format(user_id=ready.shopper.id)
    assert redis.get(key).decode() == row.provider_session_id
    assert 3500 < redis.ttl(key) <= int(checkout_sessions.SESSION_LIFETIME.total_seconds())
    # Reuse goes through the pointer: without it a fresh session replaces the old one.
    assert pay(client, ready.address).headers["Location"] == first.headers["Location"]
    redis.delete(key)
    assert pay(client, ready.address).headers["Location"] != first.headers["Location"]
    assert statuses(app, ready.shopper) == [CheckoutStatus.REPLACED, CheckoutStatus.OPEN]
    assert redis.get(key).decode() == sessions_of(app, ready.shopper)[1].provider_session_id
