"""Destructive order actions (cancel by buyer, seller or admin; refund by seller or admin) go
through a confirmation page that says what will happen, to what, and whether it can be undone;
only its POST acts, and the order pages keep those actions apart from the main ones."""
import re
from html.parser import HTMLParser

import pytest

from app.models.orders import OrderStatus
from tests.factories import PASSWORD
from tests.factories_catalog import create_product
from tests.factories_orders import (
    RecordingProvider,
    ledger_rows,
    notifications_of,
    order_row,
    paid_order,
    stock_of,
)

CONFIRMED = {"confirm": "yes"}


class _PostForm(HTMLParser):
    """The fields (name -> value) of the page's POST form, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.action, self.fields, self._inside = None, {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.action, self._inside = attrs.get("action"), True
        elif tag == "input" and self._inside and attrs.get("name") and (
                attrs.get("type") != "checkbox" or "checked" in attrs):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def post_form(html):
    parser = _PostForm()
    parser.feed(html)
    return parser.action, parser.fields


def sign_in(client, user):
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}
                       ).status_code == 302


def item_id(app, number):
    return order_row(app, number)[0].items[0].id


def untouched(app, provider, number, status=OrderStatus.PLACED):
    order, payment = order_row(app, number)
    return (order.status == status and payment.refunded_cents == 0
            and [i.refunded_quantity for i in order.items] == [0] and provider.refunds == []
            and not [row for row in ledger_rows(app, number) if row[0] == "refund"])


def section(html, marker):
    """The <section> of `html` that holds `marker`."""
    start = html.rindex("<section", 0, html.index(marker))
    return html[start:html.index("</section>", start)]


def login_for(portal, auth, seller, buyer):
    if portal == "seller":
        return auth.login(seller)
    if portal == "admin":
        return auth.login_as("admin")
    return auth.login(buyer)


@pytest.mark.parametrize("portal", ["seller", "admin"])
def test_desk_cancel_confirmation_names_the_order_items_refund_and_that_it_is_final(
        app, client, auth, provider, seller, shop, mug, buyer, portal):
    number = paid_order(app, buyer, shop, [(mug, 2)], shipping_cents=500)
    login_for(portal, auth, seller, buyer)
    response = client.get(f"/{portal}/orders/{number}/cancel")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1 class=\"h3 mb-3\">Cancel order {number}?</h1>" in body
    assert "Stoneware mug" in body and re.search(r'<td class="text-end">2</td>', body)
    assert '<dd class="col-5 text-end fw-bold mb-0" id="confirm-amount">$45.00</dd>' in body
    assert "This cannot be undone" in body
    assert "Reason for cancelling (optional)" in body
    assert '<button class="btn btn-danger" type="submit" data-danger-action>' \
           'Cancel order and refund $45.00</button>' in body
    assert f'href="/{portal}/orders/{number}">No, go back</a>' in body
    assert untouched(app, provider, number)


def test_buyer_cancel_confirmation_says_what_comes_back_and_that_it_is_final(
        app, client, auth, provider, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1)], shipping_cents=500)
    auth.login(buyer)
    body = client.get(f"/account/orders/{number}/cancel").get_data(as_text=True)
    assert f"Cancel order {number}?" in body and "Stoneware mug" in body
    assert "Fern &amp; Stone is told not to send order" in body
    assert "$25.00 is refunded to the card or account you paid with" in body
    assert "This cannot be undone" in body and "Why are you cancelling? (optional)" in body
    assert 'class="btn btn-danger" type="submit" data-danger-action>Yes, cancel my order' in body
    assert untouched(app, provider, number)


@pytest.mark.parametrize("portal", ["seller", "admin"])
def test_refund_confirmation_shows_the_chosen_units_and_their_amount(
        app, client, auth, provider, seller, shop, mug, buyer, portal):
    number = paid_order(app, buyer, shop, [(mug, 3)], shipping_cents=500)
    item = item_id(app, number)
    login_for(portal, auth, seller, buyer)
    body = client.get(f"/{portal}/orders/{number}/refund?scope=items&qty-{item}=1"
                      ).get_data(as_text=True)
    assert f"Refund $20.00 on order {number}?" in body
    assert re.search(r"Stoneware mug</td>\s*<td class=\"text-end\">1</td>", body)
    assert "The order stays placed; what is left can still be refunded later." in body
    assert "This cannot be undone" in body and "Reason for the refund (optional)" in body
    assert 'data-danger-action>Refund $20.00</button>' in body
    assert untouched(app, provider, number)


def test_refund_of_nothing_returns_to_the_order_page_with_a_message(
        app, client, auth, provider, seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1)])
    auth.login(seller)
    item = item_id(app, number)
    response = client.get(f"/seller/orders/{number}/refund?scope=items&qty-{item}=0")
    assert response.status_code == 302 and response.location.endswith(f"/seller/orders/{number}")
    assert "Choose at least one item to refund." in client.get(response.location).get_data(
        as_text=True)


def test_cancel_confirmation_of_a_shipped_order_says_why_it_cannot_be_cancelled(
        app, client, auth, provider, seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1)], status="shipped")
    auth.login(seller)
    body = client.get(f"/seller/orders/{number}/cancel", follow_redirects=True).get_data(
        as_text=True)
    assert "it can only be cancelled before it ships" in body
    assert untouched(app, provider, number, OrderStatus.SHIPPED)


@pytest.mark.parametrize("persona", ["other_seller", "other_buyer"])
def test_confirmation_pages_of_someone_elses_order_are_not_found(
        app, client, auth, factory, provider, shop, mug, buyer, persona):
    number = paid_order(app, buyer, shop, [(mug, 1)])
    if persona == "other_seller":
        auth.login(factory.seller(with_shop=True))
        paths = [f"/seller/orders/{number}/cancel", f"/seller/orders/{number}/refund?scope=full"]
    else:
        auth.login(factory.shopper())
        paths = [f"/account/orders/{number}/cancel"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404 and number not in response.get_data(as_text=True)


# What the old one-click forms posted: every field but `confirm`.
ONE_CLICK = [("seller", "cancel", {"reason": "Kiln broke"}),
             ("admin", "cancel", {"reason": "Fraud check"}),
             ("account", "cancel", {"reason": "Changed my mind"}),
             ("seller", "refund", {"scope": "full", "restock": "y", "reason": "Chipped"}),
             ("admin", "refund", {"scope": "full", "reason": "Chipped"})]


@pytest.mark.parametrize(("portal", "action", "form"), ONE_CLICK,
                         ids=[f"{p}-{a}" for p, a, _ in ONE_CLICK])
def test_a_post_without_confirmation_changes_nothing_and_shows_the_confirmation(
        app, client, auth, provider, seller, shop, mug, buyer, portal, action, form):
    number = paid_order(app, buyer, shop, [(mug, 2)])
    login_for(portal, auth, seller, buyer)
    response = client.post(f"/{portal}/orders/{number}/{action}", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Check the details below, then confirm." in body and "data-danger-action" in body
    assert f'value="{form["reason"]}"' in body  # what was typed is kept
    assert untouched(app, provider, number)
    assert stock_of(app, mug) == 10


@pytest.mark.parametrize("portal", ["seller", "admin"])
def test_confirmed_desk_cancel_cancels_and_records_the_reason(
        app, client, auth, provider, seller, shop, mug, buyer, portal):
    number = paid_order(app, buyer, shop, [(mug, 2)])
    login_for(portal, auth, seller, buyer)
    action, fields = post_form(client.get(f"/{portal}/orders/{number}/cancel").get_data(
        as_text=True))
    response = client.post(action, data={**fields, "reason": "Kiln broke"})
    assert response.status_code == 302
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.CANCELLED and payment.refunded_cents == 4500
    assert "Kiln broke" in order.status_events[-1].note
    assert stock_of(app, mug) == 12


def test_confirmed_buyer_cancel_cancels_and_tells_the_shop_the_reason(
        app, client, auth, provider, seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1)])
    auth.login(buyer)
    action, fields = post_form(client.get(f"/account/orders/{number}/cancel").get_data(
        as_text=True))
    client.post(action, data={**fields, "reason": "Ordered twice"})
    order = order_row(app, number)[0]
    assert order.status == OrderStatus.CANCELLED
    assert "Ordered twice" in order.status_events[-1].note
    assert "Ordered twice" in notifications_of(app, seller)[-1][1]


def test_confirmed_full_refund_refunds_and_records_the_reason_on_the_timeline(
        app, client, auth, provider, seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 2)], shipping_cents=500)
    auth.login(seller)
    action, fields = post_form(client.get(f"/seller/orders/{number}/refund?scope=full"
                                          ).get_data(as_text=True))
    assert fields["restock"] == "y"  # ticked by default
    client.post(action, data={**fields, "reason": "Arrived chipped"})
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.REFUNDED and payment.refunded_cents == 4500
    assert "Arrived chipped" in order.status_events[-1].note
    assert [r["reason"] for r in provider.refunds] == ["Arrived chipped"]
    assert stock_of(app, mug) == 12


def test_confirmed_partial_refund_refunds_the_units_shown_and_tells_the_buyer_the_reason(
        app, client, auth, provider, seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 3)])
    auth.login(seller)
    page = client.get(f"/seller/orders/{number}/refund?scope=items&qty-{item_id(app, number)}=2")
    action, fields = post_form(page.get_data(as_text=True))
    client.post(action, data={**fields, "reason": "Two were cracked"})
    order, payment = order_row(app, number)
    assert order.status == OrderStatus.PLACED
    assert [i.refunded_quantity for i in order.items] == [2] and payment.refunded_cents == 4000
    assert notifications_of(app, buyer)[-1] == (f"Order {number}: partly refunded",
                                                "$40.00 refunded. Two were cracked.")


def test_a_reason_with_control_characters_is_refused_next_to_the_field(
        app, client, auth, provider, seller, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1)])
    auth.login(seller)
    response = client.post(f"/seller/orders/{number}/cancel",
                           data={"reason": "Kiln\x00broke", **CONFIRMED})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert untouched(app, provider, number)


def test_the_confirmation_form_carries_a_working_csrf_token(make_app, factory, monkeypatch):
    strict = make_app(WTF_CSRF_ENABLED=True)
    monkeypatch.setitem(strict.extensions, "payments", RecordingProvider())
    owner = factory.seller(with_shop=False)
    shop = factory.shop(owner)
    mug = create_product(strict, shop, title="Stoneware mug", price_cents=2000,
                         variants=[("", "", 10)])
    number = paid_order(strict, factory.shopper(), shop, [(mug, 1)])
    client = strict.test_client()
    login_page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', login_page).group(1)
    client.post("/auth/login", data={"email": owner.email, "password": PASSWORD,
                                     "csrf_token": token})
    action, fields = post_form(client.get(f"/seller/orders/{number}/cancel").get_data(
        as_text=True))
    assert fields["csrf_token"] and fields["confirm"] == "yes"
    assert client.post(action, data=fields).status_code == 302
    assert order_row(strict, number)[0].status == OrderStatus.CANCELLED


@pytest.mark.parametrize("portal", ["seller", "admin"])
def test_desk_order_page_keeps_refund_and_cancel_in_a_danger_zone_apart_from_the_next_step(
        app, client, auth, seller, shop, mug, buyer, portal):
    number = paid_order(app, buyer, shop, [(mug, 1)])
    login_for(portal, auth, seller, buyer)
    body = client.get(f"/{portal}/orders/{number}").get_data(as_text=True)
    next_step = section(body, 'id="actions-heading"')
    danger = section(body, 'id="danger-heading"')
    assert "Mark as packed" in next_step and "/cancel" not in next_step
    assert f'href="/{portal}/orders/{number}/cancel"' in danger
    assert re.search(rf'<form method="get" action="/{portal}/orders/{number}/refund"', danger)
    assert f'method="post" action="/{portal}/orders/{number}/refund"' not in body


def test_buyer_order_page_offers_cancel_apart_from_invoice_and_buy_again(
        app, client, auth, shop, mug, buyer):
    number = paid_order(app, buyer, shop, [(mug, 1)])
    auth.login(buyer)
    body = client.get(f"/account/orders/{number}").get_data(as_text=True)
    actions, _, rest = body.partition('class="row g-4"')
    assert "Buy again" in actions and "/cancel" not in actions
    assert f'class="btn btn-outline-danger" href="/account/orders/{number}/cancel"' in rest
