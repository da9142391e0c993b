"""The buyer's printable invoice and "buy again" from a past order."""
from urllib.parse import urlsplit

import pytest
from flask import render_template
from sqlalchemy import select, update

from app.extensions import db
from app.models.orders import Order, OrderItem
from app.models.site import SiteConfig
from tests.factories_cart import alerts, cart_rows, put_in_cart, set_stock
from tests.factories_catalog import create_product, delete_product, suspend_shop
from tests.factories_orders import RecordingProvider, paid_order, read


@pytest.fixture
def mug(app, shop):
    return create_product(app, shop, title="Stoneware mug", price_cents=2000,
                          variants=[("Blue", "L", 10)])


def test_invoice_is_a_printable_page_with_seller_buyer_lines_and_totals(app, client, auth,
                                                                        shop, mug, plate):
    buyer = auth.login_as("shopper", name="Ada Lovelace")
    number = paid_order(app, buyer, shop, [(mug, 2), (plate, 1)], shipping_cents=450,
                        tax_cents=385)
    response = client.get(f"/account/orders/{number}/invoice")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f"INV-{number}" in body and f"Order {number}" in body
    assert "Fern &amp; Stone" in body and buyer.email in body and "12 Analytical Row" in body
    assert "Stoneware mug" in body and "(Blue / L)" in body and "Side plate" in body
    for amount in ("$40.00", "$15.00", "$55.00", "$4.50", "$3.85", "$63.35"):
        assert amount in body
    assert "@media print" in body and "Save as PDF" in body
    assert "<script>" not in body  # the CSP forbids inline scripts


def test_invoice_shows_refunds_and_what_was_finally_paid(app, client, auth, monkeypatch,
                                                         seller, shop, mug, plate):
    monkeypatch.setitem(app.extensions, "payments", RecordingProvider())
    buyer = auth.login_as("shopper")
    number = paid_order(app, buyer, shop, [(mug, 2), (plate, 1)], shipping_cents=500)
    plate_item = read(app, lambda: db.session.scalar(
        select(OrderItem.id).where(OrderItem.title == "Side plate")))
    auth.logout()
    auth.login(seller)
    client.post(f"/seller/orders/{number}/refund", data={f"qty-{plate_item}": "1",
                                                         "confirm": "yes"})
    auth.logout()
    auth.login(buyer)
    body = client.get(f"/account/orders/{number}/invoice").get_data(as_text=True)
    assert "1 refunded" in body
    assert '<dd class="col-5 text-end refund-note" id="invoice-refunded">&minus;$15.00' in body
    assert "$45.00" in body  # 60.00 paid, 15.00 back


def test_invoice_says_when_prices_include_tax(app, client, auth, shop, mug):
    read(app, lambda: (db.session.merge(SiteConfig(id=1, tax_inclusive=True)),
                       db.session.commit()))
    buyer = auth.login_as("shopper")
    number = paid_order(app, buyer, shop, [(mug, 1)], tax_cents=333)
    body = client.get(f"/account/orders/{number}/invoice").get_data(as_text=True)
    assert "Tax (included in prices)" in body


def test_buy_again_puts_the_items_back_in_the_cart(app, client, auth, shop, mug, plate):
    buyer = auth.login_as("shopper")
    number = paid_order(app, buyer, shop, [(mug, 2), (plate, 3)])
    response = client.post(f"/account/orders/{number}/buy-again")
    assert response.status_code == 302 and urlsplit(response.location).path == "/cart"
    assert cart_rows(app, buyer) == {mug.variants[0].id: 2, plate.variants[0].id: 3}
    page = client.get("/cart").get_data(as_text=True)
    assert f"Added 5 items from order {number} to your cart." in alerts(page)


def test_buy_again_adds_what_it_can_and_says_what_it_could_not(app, client, auth, factory,
                                                                shop, mug, plate):
    gone = create_product(app, shop, title="Old vase", variants=[("", "", 5)])
    other_shop = factory.shop(factory.seller(with_shop=False), name="Closed Co")
    elsewhere = create_product(app, other_shop, title="Candle", variants=[("", "", 5)])
    purged = create_product(app, shop, title="Ghost spoon", variants=[("", "", 5)])
    buyer = auth.login_as("shopper")
    number = paid_order(app, buyer, shop,
                        [(mug, 3), (plate, 1), (gone, 1), (elsewhere, 1), (purged, 1)])
    set_stock(app, mug.variants[0], 1)
    set_stock(app, plate.variants[0], 0)
    delete_product(app, gone)
    suspend_shop(app, other_shop)
    read(app, lambda: (db.session.execute(update(OrderItem).where(
        OrderItem.title == "Ghost spoon").values(variant_id=None)), db.session.commit()))
    client.post(f"/account/orders/{number}/buy-again")
    assert cart_rows(app, buyer) == {mug.variants[0].id: 1}
    shown = " | ".join(alerts(client.get("/cart").get_data(as_text=True)))
    assert f"Added 1 item from order {number} to your cart." in shown
    for words in ("Only 1 of Stoneware mug added", "Side plate is sold out.",
                  "Old vase has been removed by the seller.", "Closed Co is not selling",
                  "Ghost spoon is no longer sold."):
        assert words in shown


def test_buy_again_tops_up_a_line_already_in_the_cart_within_stock(app, client, auth, shop,
                                                                    mug):
    buyer = auth.login_as("shopper")
    set_stock(app, mug.variants[0], 4)
    put_in_cart(app, buyer, mug.variants[0], 3)
    number = paid_order(app, buyer, shop, [(mug, 2)])
    client.post(f"/account/orders/{number}/buy-again")
    assert cart_rows(app, buyer) == {mug.variants[0].id: 4}


def test_buy_again_of_someone_elses_order_is_not_found(app, client, auth, factory, shop, mug):
    number = paid_order(app, factory.shopper(), shop, [(mug, 1)])
    auth.login_as("shopper")
    assert client.post(f"/account/orders/{number}/buy-again").status_code == 404
    assert read(app, lambda: db.session.query(Order).count()) == 1


def test_order_actions_partial_links_invoice_and_buy_again_but_not_cancel(app):
    order = Order(number="BZ2611-000042", status="placed")
    with app.test_request_context("/account/orders/BZ2611-000042"):
        html = render_template("account/_order_actions.html", order=order)
    assert 'href="/account/orders/BZ2611-000042/invoice"' in html
    assert 'action="/account/orders/BZ2611-000042/buy-again"' in html
    # Cancelling sits apart at the foot of the order page (tests/integration/test_confirmations)
    assert "/cancel" not in html
    assert html.count('name="csrf_token"') == 1
