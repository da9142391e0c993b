"""Refunds: full or per item, amounts from the server, reflected everywhere, never twice."""
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.analytics import AnalyticsEvent, ProductCounter, ShopCounter
from app.models.orders import OrderStatus, PaymentStatus
from tests.factories import PASSWORD
from tests.factories_catalog import create_product
from tests.factories_checkout import FakeStripe, stripe_app
from tests.factories_orders import (
    RecordingProvider,
    ledger_rows,
    notifications_of,
    order_row,
    paid_order,
    read,
    settle,
    stock_of,
)


@pytest.fixture
def plate(app, shop):
    return create_product(app, shop, title="Side plate", price_cents=1500,
                          variants=[("", "", 4)])


def item_ids(app, number):
    return [item.id for item in order_row(app, number)[0].items]


def refund(client, number, portal="seller", follow=True, **form):
    """Submit the refund's confirmation form (what its page posts: the choice and confirm)."""
    return client.post(f"/{portal}/orders/{number}/refund", data={**form, "confirm": "yes"},
                       follow_redirects=follow)


def test_full_refund_pays_back_the_total_and_shows_everywhere(app, client, auth, mailbox,
                                                              seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 2)], shipping_cents=500)
    auth.login(seller)
    body = refund(client, number, scope="full", restock="y",
                  reason="Arrived chipped").get_data(as_text=True)
    assert "$45.00 refunded. 2 unit(s) back in stock. The buyer has been told." in body
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.REFUNDED and order.refunded_at is not None
    assert [i.refunded_quantity for i in order.items] == [2]
    assert (payment.refunded_cents, payment.status) == (4500, PaymentStatus.REFUNDED)
    assert stock_of(app, mug) == 12
    rows = ledger_rows(app, number)
    refund_rows = [r for r in rows if r[0] in ("refund", "refund_reversal")]
    assert [r[:2] for r in refund_rows] == [("refund", -4500), ("refund_reversal", 450)]
    assert refund_rows[0][2].startswith("re_offline_")
    mail = mailbox.wait_for(buyer.email, subject=f"Refund for order {number}")
    assert "$45.00" in mail.text and "fully refunded" in mail.text
    assert "Arrived chipped" in mail.text and "2 x Stoneware mug" in mail.text
    assert notifications_of(app, buyer)[-1][0] == f"Order {number}: refunded"
    assert "$45.00" in client.get(f"/seller/orders/{number}").get_data(as_text=True)


def test_partial_refund_pays_back_units_without_shipping(app, client, auth, provider, seller,
                                                         shop, mug, plate, buyer, mailbox):
    number = paid_order(app, buyer, shop, [(mug, 2), (plate, 1)], shipping_cents=500)
    mug_item, plate_item = item_ids(app, number)
    auth.login(seller)
    refund(client, number, **{f"qty-{mug_item}": "1", f"qty-{plate_item}": "0",
                              "refund_seq": "1"})
    assert provider.refunds == [{"payment_ref": provider.refunds[0]["payment_ref"],
                                 "amount_cents": 2000, "reason": "requested_by_customer",
                                 "idempotency_key": f"refund-{number}-1"}]
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.PLACED and order.refunded_at is None
    assert [i.refunded_quantity for i in order.items] == [1, 0]
    assert (payment.refunded_cents, payment.status) == (2000, PaymentStatus.PARTIALLY_REFUNDED)
    assert stock_of(app, mug) == 10  # restock was not ticked
    # fee 10 % of 6000 = 600; a third of the goods value came back: 200 of it is returned
    assert [r[:2] for r in ledger_rows(app, number)][-2:] == [("refund", -2000),
                                                              ("refund_reversal", 200)]
    assert notifications_of(app, buyer) == [(f"Order {number}: partly refunded",
                                             "$20.00 refunded.")]
    mail = mailbox.wait_for(buyer.email, subject=f"Refund for order {number}")
    assert "$20.00" in mail.text and "fully refunded" not in mail.text


def test_refunds_of_an_order_add_up_to_exactly_its_total(app, client, auth, provider, seller,
                                                         shop, mug, plate, buyer):
    number = paid_order(app, buyer, shop, [(mug, 3, 999), (plate, 1, 1001)],
                        discount_cents=300, tax_cents=417, shipping_cents=350)
    mug_item, plate_item = item_ids(app, number)
    total = 3 * 999 + 1001 - 300 + 417 + 350
    auth.login(seller)
    refund(client, number, **{f"qty-{mug_item}": "1"})
    refund(client, number, **{f"qty-{mug_item}": "1", f"qty-{plate_item}": "1"})
    refund(client, number, scope="full")
    amounts = [r["amount_cents"] for r in provider.refunds]
    goods = total - 350  # what was paid for the goods: after discount, with tax
    first = 999 * goods // 3998
    second = (2 * 999 + 1001) * goods // 3998 - first
    assert amounts == [first, second, total - first - second]
    assert sum(amounts) == total
    assert [r["idempotency_key"] for r in provider.refunds] == [
        f"refund-{number}-1", f"refund-{number}-2", f"refund-{number}-4"]
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.REFUNDED
    assert payment.refunded_cents == total and payment.status == PaymentStatus.REFUNDED


def test_discount_and_tax_scale_what_a_unit_pays_back(app, client, auth, provider, seller,
                                                      shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 2, 5000)], discount_cents=1000,
                        tax_cents=1800, shipping_cents=700)
    (item,) = item_ids(app, number)
    auth.login(seller)
    refund(client, number, **{f"qty-{item}": "1"})
    assert provider.refunds[0]["amount_cents"] == 5400  # (10000 - 1000 + 1800) / 2


def test_refunding_more_than_is_left_is_refused_and_changes_nothing(app, client, auth,
                                                                    provider, seller, shop,
                                                                    mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 2)])
    (item,) = item_ids(app, number)
    auth.login(seller)
    refund(client, number, **{f"qty-{item}": "1"})
    body = refund(client, number, **{f"qty-{item}": "2"}).get_data(as_text=True)
    assert "Only 1 of Stoneware mug can still be refunded." in body
    assert [i.refunded_quantity for i in order_row(app, number)[0].items] == [1]
    assert len(provider.refunds) == 1


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "99999999999", "½", " ", "1e3"])
def test_nonsense_quantities_get_a_message_never_a_500(app, client, auth, provider, seller,
                                                       shop, mug, buyer, value):
    number = paid_order(app, buyer, shop, [(mug, 2)])
    (item,) = item_ids(app, number)
    auth.login(seller)
    response = refund(client, number, **{f"qty-{item}": value})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert ("as whole numbers" in body or "Choose at least one item to refund." in body)
    assert provider.refunds == []


@pytest.mark.parametrize("form", [{"qty-999999": "1"}, {"qty-abc": "1"}, {},
                                  {"refund_seq": "x", "scope": "full"}])
def test_foreign_items_and_empty_or_damaged_forms_are_refused(app, client, auth, provider,
                                                               seller, shop, mug, buyer, form):
    number = paid_order(app, buyer, shop, [(mug, 2)])
    auth.login(seller)
    response = refund(client, number, **form)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("alert-danger") == 1
    assert provider.refunds == []


def test_a_second_click_on_the_same_refund_form_refunds_once(app, client, auth, provider,
                                                             seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 3)])
    (item,) = item_ids(app, number)
    auth.login(seller)
    form = {f"qty-{item}": "1", "refund_seq": "1"}
    refund(client, number, **form)
    body = refund(client, number, **form).get_data(as_text=True)
    assert "This order was refunded meanwhile" in body
    assert len(provider.refunds) == 1
    order, payment = order_row(app, number)
    assert [i.refunded_quantity for i in order.items] == [1]
    assert payment.refunded_cents == 2000


def test_concurrent_identical_refunds_refund_once(app, auth, factory, provider, seller, shop,
                                                  mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 3)])
    (item,) = item_ids(app, number)
    clients = []
    for _ in range(6):
        client = app.test_client()
        client.post("/auth/login", data={"email": seller.email, "password": PASSWORD})
        clients.append(client)
    start = threading.Barrier(len(clients))
    codes = []

    def submit(client):
        start.wait()
        codes.append(refund(client, number, follow=False, **{f"qty-{item}": "1",
                                                             "refund_seq": "1"}).status_code)

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [302] * len(clients)
    assert len(provider.refunds) == 1
    order, payment = order_row(app, number)
    assert [i.refunded_quantity for i in order.items] == [1]
    assert payment.refunded_cents == 2000


def test_provider_refusal_changes_nothing(app, client, auth, monkeypatch, seller, shop, mug,
                                          buyer, mailbox):
    monkeypatch.setitem(app.extensions, "payments", RecordingProvider(fail=True))
    number = paid_order(app, buyer, shop, [(mug, 2)])
    auth.login(seller)
    body = refund(client, number, scope="full", restock="y").get_data(as_text=True)
    assert "The card network is down. Nothing was changed." in body
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.PLACED and payment.refunded_cents == 0
    assert [i.refunded_quantity for i in order.items] == [0]
    assert stock_of(app, mug) == 10
    assert not [r for r in ledger_rows(app, number) if r[0] == "refund"]
    settle(app)
    assert mailbox.messages(buyer.email) == []


@pytest.mark.parametrize("status", ["refunded", "cancelled"])
def test_a_refunded_or_cancelled_order_cannot_be_refunded(app, client, auth, provider,
                                                          seller, shop, mug, buyer, status):
    number = paid_order(app, buyer, shop, [(mug, 1)], status=status)
    auth.login(seller)
    body = refund(client, number, scope="full").get_data(as_text=True)
    assert f"This order is {status}: there is nothing left to refund." in body
    assert provider.refunds == []


def test_admin_refunds_any_shops_order(app, client, auth, provider, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1)], shipping_cents=0)
    auth.login_as("admin")
    body = refund(client, number, portal="admin", scope="full").get_data(as_text=True)
    assert "$20.00 refunded." in body
    assert order_row(app, number)[0].status == OrderStatus.REFUNDED


def test_a_payment_shared_with_another_shop_stays_partially_refunded(app, client, auth,
                                                                     provider, seller, shop,
                                                                     mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1)], other_cents=3000)
    auth.login(seller)
    refund(client, number, scope="full")
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.REFUNDED
    assert (payment.refunded_cents, payment.status) == (2500, PaymentStatus.PARTIALLY_REFUNDED)


def test_refund_takes_units_and_value_off_the_counters_and_records_no_event(
        app, client, auth, provider, seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 2)])
    (item,) = item_ids(app, number)

    def counters():
        db.session.add_all([ProductCounter(product_id=mug.id, purchases=2, revenue_cents=4000),
                            ShopCounter(shop_id=shop.id, orders=1, revenue_cents=4000)])
        db.session.commit()

    read(app, counters)
    auth.login(seller)
    refund(client, number, **{f"qty-{item}": "1"})
    product_counter, shop_counter, events = read(app, lambda: (
        db.session.get(ProductCounter, mug.id), db.session.get(ShopCounter, shop.id),
        db.session.scalar(select(func.count(AnalyticsEvent.id)))))
    assert (product_counter.purchases, product_counter.revenue_cents) == (1, 2000)
    assert (shop_counter.orders, shop_counter.revenue_cents) == (1, 2000)
    assert events == 0


def test_stripe_receives_the_refund_with_its_idempotency_key(make_app, app, seller, shop, mug,
                                                             buyer):
    fake = FakeStripe()
    stripe_mode = stripe_app(make_app, fake)
    number = paid_order(app, buyer, shop, [(mug, 2)])
    (item,) = item_ids(app, number)
    client = stripe_mode.test_client()
    client.post("/auth/login", data={"email": seller.email, "password": PASSWORD})
    refund(client, number, **{f"qty-{item}": "1", "reason": "Chipped rim"})
    (call,) = fake.posts("/v1/refunds")
    assert call["headers"]["Idempotency-Key"] == f"refund-{number}-1"
    assert call["body"]["amount"] == "2000"
    assert call["body"]["payment_intent"] == order_row(app, number)[1].provider_payment_id
    assert call["body"]["metadata[reason]"] == "Chipped rim"
    assert ("refund", -2000, "re_fake1") in ledger_rows(app, number)


def test_stripe_refusing_a_refund_changes_nothing(make_app, app, seller, shop, mug, buyer):
    fake = FakeStripe()
    fake.fail_on["/v1/refunds"] = (400, "Charge ch_1 has already been refunded.")
    stripe_mode = stripe_app(make_app, fake)
    number = paid_order(app, buyer, shop, [(mug, 2)])
    client = stripe_mode.test_client()
    client.post("/auth/login", data={"email": seller.email, "password": PASSWORD})
    body = refund(client, number, scope="full").get_data(as_text=True)
    assert "could not refund the payment" in body and "Nothing was changed." in body
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.PLACED and payment.refunded_cents == 0
