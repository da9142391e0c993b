"""The checkout pages: review, pay, the return pages and the offline test payment page."""
import html
import re
import time

import pytest
import stripe
from sqlalchemy import delete

from app.extensions import db
from app.models.accounts import Address
from app.models.orders import CheckoutStatus
from app.services.checkout import sessions
from app.services.payments import webhook_secret
from tests.factories_account import address_form, create_address
from tests.factories_cart import (
    alerts,
    cart_rows,
    create_code,
    put_in_cart,
    set_guest_session,
)
from tests.factories_checkout import (
    FakeStripe,
    connect_account,
    create_orders_for,
    login,
    ready_cart,
    sessions_of,
    set_rate_countries,
    shipping_rate,
    stripe_app,
    tax_rate,
)
from tests.support import modes


@pytest.fixture
def ready(app, factory, client):
    tax_rate(app, "GB", 2000)
    ready = ready_cart(app, factory, price_cents=1000, quantity=2, rate_cents=500)
    login(client, ready.shopper)
    return ready


def text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
                    .split())


def paid_session(app, client, ready):
    response = client.post("/checkout/pay", data={"address_id": ready.address.id})
    assert response.status_code == 303, response.headers
    return sessions_of(app, ready.shopper)[-1]


# --- who may check out -----------------------------------------------------------------------

def test_guests_are_sent_to_log_in(client):
    response = client.get("/checkout")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post("/checkout/pay", data={"address_id": 1}).status_code == 302


@pytest.mark.parametrize("role", ["seller", "admin"])
def test_sellers_and_admins_are_told_checkout_is_for_shoppers(client, auth, role):
    auth.login_as(role)
    response = client.get("/checkout")
    assert response.status_code == 403
    assert "Checkout is for shopper accounts" in text(response)
    assert client.post("/checkout/pay", data={"address_id": 1}).status_code == 403


def test_an_empty_cart_goes_back_to_the_cart(client, auth):
    auth.login_as("shopper")
    response = client.get("/checkout", follow_redirects=True)
    assert response.request.path == "/cart"
    assert "Your cart is empty" in " ".join(alerts(response.get_data(as_text=True)))


def test_lines_with_problems_must_be_fixed_first(app, factory, client):
    ready = ready_cart(app, factory, quantity=5, stock=2)
    login(client, ready.shopper)
    response = client.get("/checkout", follow_redirects=True)
    assert response.request.path == "/cart"
    assert "your attention before checkout" in " ".join(alerts(response.get_data(as_text=True)))


# --- the review page ------------------------------------------------------------------------

def test_the_page_shows_each_shop_with_shipping_tax_and_server_totals(ready, client):
    page = text(client.get("/checkout"))
    assert ready.shop.name in page and ready.product.title in page
    assert "Test mode — no real money moves" in page
    assert "Shipping (Everywhere) $5.00" in page
    assert "Tax $4.00" in page  # 20 % of $20.00, added on top
    assert "Total $29.00" in page
    assert "Pay $29.00" in page


def test_the_stored_code_is_shown_with_a_link_to_change_it_in_the_cart(app, ready, client):
    create_code(app, "TENOFF", percent_off=10)
    set_guest_session(client, coupon="TENOFF")
    response = client.get("/checkout")
    page = text(response)
    assert "TENOFF applied" in page and "−$2.00" in page
    assert 'href="/cart">Change the code in your cart' in response.get_data(as_text=True)


def test_without_an_address_pay_is_blocked_and_the_inline_form_open(app, factory, client):
    ready = ready_cart(app, factory)
    with app.app_context():
        db.session.execute(delete(Address))
        db.session.commit()
    login(client, ready.shopper)
    html = client.get("/checkout").get_data(as_text=True)
    assert "Choose or add a delivery address first." in html
    assert re.search(r"<button[^>]*disabled[^>]*>Pay</button>", html)
    assert "<details class=\"checkout-new-address\" open>" in html


def test_adding_an_address_inline_chooses_it(app, ready, client):
    response = client.post("/checkout/address", data=address_form(
        full_name="Grace Hopper", line1="1 Navy Yard", country="FR"))
    assert response.status_code == 302
    new_id = int(re.search(r"address_id=(\d+)", response.headers["Location"])[1])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'value="{new_id}" checked' in page
    assert f'name="address_id" value="{new_id}"' in page  # the pay form's hidden field


def test_an_invalid_inline_address_shows_its_errors(ready, client):
    response = client.post("/checkout/address", data=address_form(postal_code="", country="XX"))
    assert response.status_code == 422
    page = text(response)
    assert "Enter the postal code." in page and "Choose a country from the list." in page


def test_another_shoppers_address_id_in_the_query_is_ignored(app, factory, ready, client):
    stranger = factory.shopper()
    theirs = create_address(app, stranger, is_default=True, line1="99 Private Road")
    html = client.get(f"/checkout?address_id={theirs.id}").get_data(as_text=True)
    assert "99 Private Road" not in html
    assert f'name="address_id" value="{ready.address.id}"' in html


def test_a_shop_that_cannot_deliver_there_says_so_and_blocks_paying(app, ready, client):
    set_rate_countries(app, ready.shop, ["FR"])
    page = text(client.get("/checkout"))
    assert f"{ready.shop.name} does not deliver to United Kingdom" in page
    response = client.post("/checkout/pay", data={"address_id": ready.address.id},
                           follow_redirects=True)
    assert "does not deliver to United Kingdom" in " ".join(
        alerts(response.get_data(as_text=True)))
    assert sessions_of(app, ready.shopper) == []


# --- paying ----------------------------------------------------------------------------------

def test_pay_opens_a_session_priced_on_the_server_and_redirects_303(app, ready, client):
    response = client.post("/checkout/pay", data={"address_id": ready.address.id})
    assert response.status_code == 303
    [row] = sessions_of(app, ready.shopper)
    assert response.headers["Location"] == row.url
    assert row.url == f"/checkout/test-pay/{row.provider_session_id}"
    assert row.amount_cents == 2900 and row.status == CheckoutStatus.OPEN
    assert row.snapshot["shops"][0]["tax_cents"] == 400


def test_forged_amount_fields_are_ignored(app, ready, client):
    response = client.post("/checkout/pay", data={
        "address_id": ready.address.id, "amount_cents": 1, "total_cents": 1, "total": "0.01",
        "unit_price_cents": 1, "price": 1, "shipping_cents": 0, "discount_cents": 9999})
    assert response.status_code == 303
    [row] = sessions_of(app, ready.shopper)
    assert row.amount_cents == 2900
    assert row.snapshot["shops"][0]["lines"][0]["unit_price_cents"] == 1000


def test_another_shoppers_address_cannot_be_used_to_pay(app, factory, ready, client):
    theirs = create_address(app, factory.shopper(), is_default=True)
    response = client.post("/checkout/pay", data={"address_id": theirs.id},
                           follow_redirects=True)
    assert "That address is not in your address book." in " ".join(
        alerts(response.get_data(as_text=True)))
    assert sessions_of(app, ready.shopper) == []


@pytest.mark.parametrize("junk", ["", "abc", "-1", "0", "1e3", "99999999999"])
def test_a_junk_address_id_is_refused_with_a_message(app, ready, client, junk):
    response = client.post("/checkout/pay", data={"address_id": junk}, follow_redirects=True)
    assert response.status_code == 200
    assert alerts(response.get_data(as_text=True))
    assert sessions_of(app, ready.shopper) == []


def test_pay_is_rate_limited(app, factory, make_app):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_CHECKOUT="2 per minute").test_client()
    ready = ready_cart(app, factory)
    login(limited, ready.shopper)
    codes = [limited.post("/checkout/pay", data={"address_id": ready.address.id}).status_code
             for _ in range(3)]
    assert codes == [303, 303, 429]


# --- with Stripe -----------------------------------------------------------------------------

def test_with_stripe_shops_without_an_account_cannot_take_payment(app, factory, make_app):
    fake = FakeStripe()
    web = stripe_app(make_app, fake).test_client()
    ready = ready_cart(app, factory)
    login(web, ready.shopper)
    page = text(web.get("/checkout"))
    assert f"{ready.shop.name} cannot take payments yet" in page
    assert "Test mode" in page  # an sk_test_ key moves no real money either
    response = web.post("/checkout/pay", data={"address_id": ready.address.id},
                        follow_redirects=True)
    assert "cannot take payments yet" in " ".join(alerts(response.get_data(as_text=True)))
    assert fake.requests == []
    connect_account(app, ready.shop)
    response = web.post("/checkout/pay", data={"address_id": ready.address.id})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("https://checkout.stripe.com/c/pay/")


# --- success and cancel ----------------------------------------------------------------------

def test_success_waits_for_the_orders_with_a_refreshing_page(app, ready, client):
    row = paid_session(app, client, ready)
    response = client.get(f"/checkout/success?session_id={row.provider_session_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Confirming your payment" in html
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "data-confetti" not in html
    assert cart_rows(app, ready.shopper) == {ready.variant.id: 2}


def test_success_shows_the_orders_celebrates_and_clears_the_cart_once(app, factory, ready,
                                                                       client):
    row = paid_session(app, client, ready)
    create_orders_for(app, row.provider_session_id)
    response = client.get(f"/checkout/success?session_id={row.provider_session_id}")
    html = response.get_data(as_text=True)
    assert "Thank you for your order!" in html and "data-confetti" in html
    assert "vendor/canvas-confetti/confetti.browser.js" in html and "js/checkout.js" in html
    assert "refresh" not in html
    assert cart_rows(app, ready.shopper) == {}
    # Coming back is harmless, and never empties a cart filled again since.
    put_in_cart(app, ready.shopper, ready.variant, 1)
    again = client.get(f"/checkout/success?session_id={row.provider_session_id}")
    assert again.status_code == 200
    assert cart_rows(app, ready.shopper) == {ready.variant.id: 1}


def test_success_keeps_lines_added_after_paying(app, factory, ready, client):
    row = paid_session(app, client, ready)
    later = ready_cart(app, factory, shopper=ready.shopper)
    create_orders_for(app, row.provider_session_id)
    client.get(f"/checkout/success?session_id={row.provider_session_id}")
    assert cart_rows(app, ready.shopper) == {later.variant.id: 2}


def test_success_of_someone_elses_session_is_not_found(app, factory, ready, client):
    row = paid_session(app, client, ready)
    create_orders_for(app, row.provider_session_id)
    other = app.test_client()
    login(other, factory.shopper())
    assert other.get(f"/checkout/success?session_id={row.provider_session_id}").status_code \
        == 404
    assert client.get("/checkout/success?session_id=cs_nope").status_code == 404
    assert client.get("/checkout/success").status_code == 404


def test_cancel_returns_to_the_cart_intact(app, ready, client):
    paid_session(app, client, ready)
    response = client.get("/checkout/cancel", follow_redirects=True)
    assert response.request.path == "/cart"
    assert "nothing was charged" in " ".join(alerts(response.get_data(as_text=True)))
    assert cart_rows(app, ready.shopper) == {ready.variant.id: 2}


# --- the offline test payment page -----------------------------------------------------------

def test_the_test_payment_page_is_clearly_labelled_for_its_owner(app, ready, client):
    row = paid_session(app, client, ready)
    page = text(client.get(f"/checkout/test-pay/{row.provider_session_id}"))
    assert "TEST MODE" in page and "Test mode — no real money moves" in page
    assert "$29.00" in page and ready.shop.name in page
    assert "Pay now (test)" in page and "Cancel" in page


def test_the_test_payment_page_is_only_for_its_owner(app, factory, ready, client):
    row = paid_session(app, client, ready)
    url = f"/checkout/test-pay/{row.provider_session_id}"
    other = app.test_client()
    login(other, factory.shopper())
    assert other.get(url).status_code == 404
    assert other.post(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # guests log in first
    assert client.get("/checkout/test-pay/cs_offline_unknown").status_code == 404


def test_paying_on_the_test_page_sends_a_signed_event_through_the_webhook_code(
        app, ready, client, monkeypatch):
    from app.services.payments.webhooks import receive as webhooks

    received = []
    monkeypatch.setattr(webhooks, "receive",
                        lambda payload, header: received.append((payload, header)) or "evt")
    row = paid_session(app, client, ready)
    response = client.post(f"/checkout/test-pay/{row.provider_session_id}")
    assert response.status_code == 303
    assert response.headers["Location"] == \
        f"/checkout/success?session_id={row.provider_session_id}"
    [(payload, header)] = received
    with app.app_context():
        event = stripe.Webhook.construct_event(payload, header, webhook_secret())
    assert event.data.object.id == row.provider_session_id


def test_an_expired_test_session_cannot_be_paid(app, ready, client, monkeypatch):
    from app.services.payments.webhooks import receive as webhooks

    monkeypatch.setattr(webhooks, "receive", lambda *a: pytest.fail("must not be called"))
    row = paid_session(app, client, ready)
    later = row.expires_at + sessions.REUSE_MARGIN
    monkeypatch.setattr(sessions, "now", lambda: later)
    url = f"/checkout/test-pay/{row.provider_session_id}"
    assert "no longer open" in text(client.get(url))
    response = client.post(url, follow_redirects=True)
    assert "no longer open" in " ".join(alerts(response.get_data(as_text=True)))


def test_a_test_payment_becomes_orders_through_the_real_webhook_path(app, ready, client):
    """End to end: the signed event, the webhook service, fulfilment, then the success page."""
    shipping_rate(app, ready.shop, group="UK", countries=["GB"], rate_cents=300)
    row = paid_session(app, client, ready)
    response = client.post(f"/checkout/test-pay/{row.provider_session_id}")
    assert response.status_code == 303
    deadline = time.monotonic() + (10 if modes.SERVICES else 0)
    while True:
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        if "Thank you for your order!" in page or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    assert "Thank you for your order!" in page
    assert cart_rows(app, ready.shopper) == {}
