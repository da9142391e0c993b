"""Who may see and act on an order: every order route x anonymous, the buyer (a shopper),
another shop's seller, the shop's own seller and an admin.

Another shop's or another buyer's order answers 404, exactly like one that does not exist,
and a refused action changes nothing.
"""
from urllib.parse import urlsplit

import pytest

from app.models.orders import OrderStatus
from tests.factories import PASSWORD
from tests.factories_catalog import create_product
from tests.factories_orders import RecordingProvider, order_row, paid_order

PERSONAS = ("anonymous", "buyer", "other_seller", "owner_seller", "admin")
CONFIRMED = {"confirm": "yes"}  # what a destructive action's confirmation page posts
# (method, path, form) per endpoint; {n} is the order number.
ROUTES = {
    "seller.orders": ("GET", "/seller/orders", None),
    "seller.order": ("GET", "/seller/orders/{n}", None),
    "seller.order_advance": ("POST", "/seller/orders/{n}/status", {"status": "packed"}),
    "seller.order_cancel": ("POST", "/seller/orders/{n}/cancel", {"reason": "x", **CONFIRMED}),
    "seller.order_refund": ("POST", "/seller/orders/{n}/refund", {"scope": "full", **CONFIRMED}),
    "admin.orders": ("GET", "/admin/orders", None),
    "admin.order": ("GET", "/admin/orders/{n}", None),
    "admin.order_advance": ("POST", "/admin/orders/{n}/status", {"status": "packed"}),
    "admin.order_cancel": ("POST", "/admin/orders/{n}/cancel", {"reason": "x", **CONFIRMED}),
    "admin.order_refund": ("POST", "/admin/orders/{n}/refund", {"scope": "full", **CONFIRMED}),
    "account.order": ("GET", "/account/orders/{n}", None),
    "account.order_invoice": ("GET", "/account/orders/{n}/invoice", None),
    "account.order_buy_again": ("POST", "/account/orders/{n}/buy-again", {}),
    "account.order_cancel": ("POST", "/account/orders/{n}/cancel", CONFIRMED),
}
# Who gets in, per portal; everyone else signed in gets 403 (portals) or 404 (account).
ALLOWED = {"seller": {"owner_seller"}, "admin": {"admin"}, "account": {"buyer"}}
# Actions that change the order when they are allowed.
CHANGES = {"order_advance", "order_cancel", "order_refund"}
CASES = [(endpoint, persona) for endpoint in ROUTES for persona in PERSONAS]


@pytest.fixture
def world(app, factory):
    owner = factory.seller(with_shop=False)
    shop = factory.shop(owner, name="Fern & Stone")
    other = factory.seller(with_shop=True)
    buyer = factory.shopper()
    product = create_product(app, shop, title="Stoneware mug", price_cents=2000,
                             variants=[("", "", 10)])
    number = paid_order(app, buyer, shop, [(product, 1)])
    return {"buyer": buyer, "other_seller": other, "owner_seller": owner,
            "admin": factory.admin(), "number": number}


def sign_in(client, user):
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def expected(endpoint, persona):
    portal, action = endpoint.split(".")
    if persona == "anonymous":
        return "login"
    if persona in ALLOWED[portal]:
        return "ok"
    if portal in ("seller", "admin") and not (portal == "seller" and persona == "other_seller"):
        return 403
    return "list" if action == "orders" else 404


@pytest.mark.parametrize(("endpoint", "persona"), CASES,
                         ids=[f"{persona}-{endpoint}" for endpoint, persona in CASES])
def test_order_route_access(app, client, monkeypatch, world, endpoint, persona):
    provider = RecordingProvider()
    monkeypatch.setitem(app.extensions, "payments", provider)
    method, path, form = ROUTES[endpoint]
    number = world["number"]
    path = path.format(n=number)
    if persona != "anonymous":
        sign_in(client, world[persona])
    response = client.open(path, method=method, data=form)
    outcome = expected(endpoint, persona)
    body = response.get_data(as_text=True)
    order, payment = order_row(app, number)
    changed = (order.status != OrderStatus.PLACED or payment.refunded_cents != 0
               or provider.refunds != [])
    if outcome == "login":
        assert response.status_code == 302
        assert urlsplit(response.location).path == "/auth/login"
    elif outcome == "ok":
        assert response.status_code == (200 if method == "GET" else 302), body[:300]
        if method == "GET":
            assert number in body
        assert changed == (endpoint.split(".")[1] in CHANGES)
        return
    elif outcome == "list":
        assert response.status_code == 200
        assert number not in body
    else:
        assert response.status_code == outcome
        assert number not in body and "Fern &amp; Stone" not in body
    assert not changed


def test_a_missing_order_and_another_shops_order_look_the_same(app, client, world):
    sign_in(client, world["other_seller"])
    client.get("/seller/orders")  # shows (and clears) the welcome flash
    theirs = client.get(f"/seller/orders/{world['number']}")
    missing = client.get("/seller/orders/BZ0000-000000")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.get_data(as_text=True) == missing.get_data(as_text=True)


@pytest.mark.parametrize("number", ["%00", "x" * 40, "BZ%E2%80%8B1", "..", "BZ1'--"])
def test_odd_order_numbers_answer_404_never_500(client, world, number):
    sign_in(client, world["owner_seller"])
    assert client.get(f"/seller/orders/{number}").status_code == 404
    assert client.post(f"/seller/orders/{number}/refund",
                       data={"scope": "full"}).status_code == 404
