"""Order lifecycle: sellers and admins move orders along, cancel them; every change is told."""
import re

import pytest

from app.models.orders import OrderStatus, PaymentStatus
from tests.factories_catalog import create_product
from tests.factories_orders import (
    RecordingProvider,
    ledger_rows,
    notifications_of,
    order_row,
    paid_order,
    settle,
    stock_of,
)

CONFIRMED = {"confirm": "yes"}  # what a destructive action's confirmation page posts


@pytest.fixture
def seller(factory):
    return factory.seller(with_shop=False, name="Sam Seller")


@pytest.fixture
def shop(factory, seller):
    return factory.shop(seller, name="Fern & Stone")


@pytest.fixture
def product(app, shop):
    return create_product(app, shop, title="Stoneware mug", price_cents=2000,
                          variants=[("", "", 10)])


@pytest.fixture
def buyer(factory):
    return factory.shopper(name="Bea Buyer")


def step(client, portal, number, status, **form):
    return client.post(f"/{portal}/orders/{number}/status", data={"status": status, **form},
                       follow_redirects=True)


def test_seller_walks_an_order_from_placed_to_delivered_with_times_and_events(
        app, client, auth, seller, shop, product, buyer):
    number = paid_order(app, buyer, shop, [(product, 2)])
    auth.login(seller)
    for status in ("packed", "shipped", "out_for_delivery", "delivered"):
        extra = {"tracking_number": "1Z999AA10123456784"} if status == "shipped" else {}
        response = step(client, "seller", number, status, **extra)
        assert response.status_code == 200
        assert f"Order {number} is now" in response.get_data(as_text=True)
    order, _ = order_row(app, number)
    assert order.status == OrderStatus.DELIVERED
    assert all(order.status_time(s) is not None for s in
               ("placed", "packed", "shipped", "out_for_delivery", "delivered"))
    assert order.tracking_number == "1Z999AA10123456784"
    events = [(e.status.value, e.actor_user_id) for e in order.status_events]
    assert events == [("placed", None), ("packed", seller.id), ("shipped", seller.id),
                      ("out_for_delivery", seller.id), ("delivered", seller.id)]
    shipped = next(e for e in order.status_events if e.status == OrderStatus.SHIPPED)
    assert "1Z999AA10123456784" in shipped.note


def test_every_status_change_notifies_and_emails_the_buyer(app, client, auth, mailbox,
                                                           seller, shop, product, buyer):
    number = paid_order(app, buyer, shop, [(product, 1)])
    auth.login(seller)
    step(client, "seller", number, "packed", note="Wrapped with care")
    step(client, "seller", number, "shipped", tracking_number="TRACK-42")
    packed = mailbox.wait_for(buyer.email, subject=f"Order {number}: packed")
    assert "Wrapped with care" in packed.text and "Fern & Stone" in packed.text
    shipped = mailbox.wait_for(buyer.email, subject=f"Order {number}: shipped")
    assert "TRACK-42" in shipped.text and f"/account/orders/{number}" in shipped.text
    assert "TRACK-42" in shipped.html
    titles = [title for title, _ in notifications_of(app, buyer)]
    assert titles == [f"Order {number}: packed", f"Order {number}: shipped"]


def test_a_repeated_click_does_not_skip_a_step(app, client, auth, seller, shop, product, buyer):
    number = paid_order(app, buyer, shop, [(product, 1)])
    auth.login(seller)
    step(client, "seller", number, "packed")
    again = step(client, "seller", number, "packed").get_data(as_text=True)
    assert "This order is already packed." in again
    order, _ = order_row(app, number)
    assert order.status == OrderStatus.PACKED
    assert [e.status.value for e in order.status_events] == ["placed", "packed"]


@pytest.mark.parametrize("target", ["shipped", "delivered", "cancelled", "refunded", "",
                                    "placed", "x" * 300])
def test_anything_but_the_next_step_is_refused_without_change(app, client, auth, seller,
                                                              shop, product, buyer, target):
    number = paid_order(app, buyer, shop, [(product, 1)])
    auth.login(seller)
    response = step(client, "seller", number, target)
    assert response.status_code == 200
    assert "Reload the page to see its next step." in response.get_data(as_text=True)
    assert order_row(app, number)[0].status == OrderStatus.PLACED


@pytest.mark.parametrize("status", ["delivered", "cancelled", "refunded"])
def test_an_order_at_the_end_of_its_path_has_no_next_step(app, client, auth, seller, shop,
                                                          product, buyer, status):
    number = paid_order(app, buyer, shop, [(product, 1)], status=status)
    auth.login(seller)
    body = step(client, "seller", number, "packed").get_data(as_text=True)
    assert "there is no next step" in body
    assert order_row(app, number)[0].status == status


def test_tracking_number_with_control_characters_is_refused_with_a_message(
        app, client, auth, seller, shop, product, buyer):
    number = paid_order(app, buyer, shop, [(product, 1)], status="packed")
    auth.login(seller)
    body = step(client, "seller", number, "shipped",
                tracking_number="AB\x00CD").get_data(as_text=True)
    assert "Remove the invisible or control characters from the tracking number." in body
    assert order_row(app, number)[0].status == OrderStatus.PACKED


@pytest.mark.parametrize("status", ["placed", "packed"])
def test_seller_cancels_an_unshipped_order_which_is_refunded_in_full_and_restocked(
        app, client, auth, mailbox, seller, shop, product, buyer, status):
    number = paid_order(app, buyer, shop, [(product, 3)], status=status, shipping_cents=450)
    auth.login(seller)
    body = client.post(f"/seller/orders/{number}/cancel",
                       data={"reason": "Kiln broke", **CONFIRMED},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Order {number} is cancelled, refunded and restocked." in body
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.CANCELLED and order.cancelled_at is not None
    assert order.refunded_at is None  # cancelled, not "refunded": the money went back anyway
    assert [i.refunded_quantity for i in order.items] == [3]
    assert (payment.refunded_cents, payment.status) == (6450, PaymentStatus.REFUNDED)
    assert stock_of(app, product) == 13
    assert ("refund", -6450) in [row[:2] for row in ledger_rows(app, number)]
    note = order.status_events[-1].note
    assert "Cancelled by the seller." in note and "Kiln broke" in note and "$64.50" in note
    mail = mailbox.wait_for(buyer.email, subject=f"Order {number}: cancelled")
    assert "has been cancelled" in mail.text and "Kiln broke" in mail.text


@pytest.mark.parametrize("status", ["shipped", "out_for_delivery", "delivered"])
def test_seller_cannot_cancel_an_order_that_has_shipped(app, client, auth, seller, shop,
                                                        product, buyer, status):
    number = paid_order(app, buyer, shop, [(product, 1)], status=status)
    auth.login(seller)
    body = client.post(f"/seller/orders/{number}/cancel", data=CONFIRMED,
                       follow_redirects=True).get_data(as_text=True)
    assert "it can only be cancelled before it ships" in body
    order, payment = order_row(app, number)
    assert order.status == status and payment.refunded_cents == 0


def test_buyer_cancels_while_placed_but_not_once_packed(app, client, auth, seller, shop,
                                                        product, buyer):
    placed = paid_order(app, buyer, shop, [(product, 1)])
    packed = paid_order(app, buyer, shop, [(product, 1)], status="packed")
    auth.login(buyer)
    ok = client.post(f"/account/orders/{placed}/cancel",
                     data={"reason": "Changed my mind", **CONFIRMED},
                     follow_redirects=True).get_data(as_text=True)
    assert "is cancelled. Your refund is on its way." in ok
    refused = client.post(f"/account/orders/{packed}/cancel", data=CONFIRMED,
                          follow_redirects=True).get_data(as_text=True)
    assert "it can only be cancelled before it is packed" in refused
    assert order_row(app, placed)[0].status == OrderStatus.CANCELLED
    assert order_row(app, placed)[0].status_events[-1].note.startswith("Cancelled by the buyer.")
    assert notifications_of(app, seller) == [(f"Order {placed} was cancelled by the buyer",
                                              "Cancelled by the buyer. Changed my mind. $25.00 "
                                              "refunded.")]
    assert order_row(app, packed)[0].status == OrderStatus.PACKED


def test_cancelling_twice_refunds_once(app, client, auth, monkeypatch, seller, shop, product,
                                       buyer):
    provider = RecordingProvider()
    monkeypatch.setitem(app.extensions, "payments", provider)
    number = paid_order(app, buyer, shop, [(product, 2)])
    auth.login(seller)
    client.post(f"/seller/orders/{number}/cancel", data=CONFIRMED)
    second = client.post(f"/seller/orders/{number}/cancel", data=CONFIRMED,
                         follow_redirects=True)
    assert "This order is cancelled; it can only be cancelled" in second.get_data(as_text=True)
    assert [r["amount_cents"] for r in provider.refunds] == [4500]
    assert provider.refunds[0]["idempotency_key"] == f"refund-{number}-1"
    assert stock_of(app, product) == 12


def test_provider_refusing_the_refund_leaves_the_order_as_it_was(app, client, auth,
                                                                 monkeypatch, seller, shop,
                                                                 product, buyer, mailbox):
    monkeypatch.setitem(app.extensions, "payments", RecordingProvider(fail=True))
    number = paid_order(app, buyer, shop, [(product, 2)])
    auth.login(seller)
    body = client.post(f"/seller/orders/{number}/cancel", data=CONFIRMED,
                       follow_redirects=True).get_data(as_text=True)
    assert "The card network is down. Nothing was changed." in body
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.PLACED and payment.refunded_cents == 0
    assert [i.refunded_quantity for i in order.items] == [0]
    assert stock_of(app, product) == 10
    settle(app)
    assert mailbox.messages(buyer.email) == []


def test_admin_moves_and_cancels_any_shops_orders(app, client, auth, factory, shop, product,
                                                  buyer):
    first = paid_order(app, buyer, shop, [(product, 1)])
    second = paid_order(app, buyer, shop, [(product, 1)], status="packed")
    admin = auth.login_as("admin")
    assert "is now packed" in step(client, "admin", first, "packed").get_data(as_text=True)
    client.post(f"/admin/orders/{second}/cancel", data={"reason": "Fraud check", **CONFIRMED})
    assert order_row(app, first)[0].status_events[-1].actor_user_id == admin.id
    cancelled = order_row(app, second)[0]
    assert cancelled.status == OrderStatus.CANCELLED
    assert cancelled.status_events[-1].note.startswith("Cancelled by the marketplace team.")


def test_order_list_filters_by_status_searches_and_paginates(app, client, auth, seller,
                                                             shop, product, buyer):
    for k in range(22):
        paid_order(app, buyer, shop, [(product, 1)], number=f"BZ2611-{k:06d}",
                   status="packed" if k % 2 else "placed")
    auth.login(seller)
    first = client.get("/seller/orders").get_data(as_text=True)
    numbers = re.findall(r'class="fw-semibold order-link"[^>]*>(BZ[0-9-]+)<', first)
    assert len(numbers) == 20 and "22 orders" in first
    second = client.get("/seller/orders?page=2").get_data(as_text=True)
    assert len(re.findall(r"order-link", second)) == 2
    packed = client.get("/seller/orders?status=packed").get_data(as_text=True)
    assert "11 orders packed" in packed
    found = client.get("/seller/orders?q=000013").get_data(as_text=True)
    assert re.findall(r'order-link"[^>]*>(BZ[0-9-]+)<', found) == ["BZ2611-000013"]
    nonsense = client.get("/seller/orders?status=nope&page=-3&q=%00")
    assert nonsense.status_code == 200


def test_order_page_shows_items_address_history_and_the_next_action(app, client, auth,
                                                                   seller, shop, product,
                                                                   buyer):
    number = paid_order(app, buyer, shop, [(product, 2)], status="packed")
    auth.login(seller)
    body = client.get(f"/seller/orders/{number}").get_data(as_text=True)
    assert "Stoneware mug" in body and "12 Analytical Row" in body
    assert 'name="status" value="shipped"' in body and 'name="tracking_number"' in body
    assert "Cancel, refund in full and restock" in body
    assert "Refund everything left" in body
    assert body.count('class="border-start ps-3 pb-3"') == 2  # placed, packed


@pytest.mark.parametrize("portal", ["seller", "admin"])
@pytest.mark.parametrize("status", [s.value for s in OrderStatus])
def test_order_page_renders_in_every_status(app, client, auth, seller, shop, product, buyer,
                                            portal, status):
    number = paid_order(app, buyer, shop, [(product, 1)], status=status)
    auth.login(seller) if portal == "seller" else auth.login_as("admin")
    body = client.get(f"/{portal}/orders/{number}").get_data(as_text=True)
    assert f'data-status="{status}"' in body
    assert ("Refund everything left" in body) == (status not in ("cancelled", "refunded"))
    assert ("Cancel, refund in full" in body) == (status in ("placed", "packed"))
