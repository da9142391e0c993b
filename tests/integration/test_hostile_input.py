"""Hostile input over the whole URL map: ids and pages beyond any database integer, nested and
malformed JSON, oversized bodies. Each gets a clear 4xx, never a 500."""
import logging
import re
from io import BytesIO

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from app import register_blueprints
from app.request_guards import MAX_DB_INT
from app.services.payments.webhooks import receive
from app.services.shopping import cart as carts
from tests.factories_cart import alerts, shop_with_product
from tests.factories_payments import sign

# An id column holds 2**31 - 1 on PostgreSQL and 2**63 - 1 on SQLite; a Python int has no end.
HUGE_NUMBERS = {"2^31": str(2**31), "2^63": str(2**63), "2^64": str(2**64),
                "5000_digits": "9" * 5000}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Every integer-valued name a query string or form of ours reads (and `per_page`, which none
# reads today but is the first name a caller tries).
NUMERIC_PARAMS = ("page", "per_page", "product", "product_id", "variant_id", "quantity",
                  "address_id", "discount", "rating", "min_price", "max_price", "refund_seq")
NESTED_JSON = "[" * 100_000
BAD_JSON_BODIES = {
    "nested": NESTED_JSON,
    "nested_object": '{"a":' * 50_000,
    "malformed": '{"email": "a@example.com", ',
    "not_utf8": b"\xff\xfe{}",
    "not_an_object": "[1, 2, 3]",
    "wrong_types": '{"email": 1, "password": ["x"], "refresh_token": {"a": 1}}',
}
SLOT = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")


def _rules():
    probe = Flask("hostile-input-probe")
    register_blueprints(probe)
    return sorted(probe.url_map.iter_rules(), key=lambda rule: rule.rule)


RULES = _rules()


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _int_slots(rule):
    return [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]


def role_for(path):
    """A role that may reach `path`: the portal's own, a shopper everywhere else."""
    for portal in ("seller", "admin"):
        if path.startswith(f"/{portal}/") or path == f"/{portal}":
            return portal
    return "shopper"


def fill(rule, values):
    """`rule`'s path with each variable replaced by `values[name]` (1 for an int, else 'x')."""

    def value(match):
        name = match.group(2)
        if name in values:
            return values[name]
        return "1" if name in _int_slots(rule) else "x"

    return SLOT.sub(value, rule.rule)


INT_ROUTES = [(method, rule, slot) for rule in RULES for slot in _int_slots(rule)
              for method in _methods(rule)]
GET_ROUTES = [rule for rule in RULES if "GET" in rule.methods and not rule.arguments]
POST_ROUTES = [rule for rule in RULES if "POST" in rule.methods]
JSON_ROUTES = [(method, rule) for rule in RULES
               if rule.rule.startswith(("/api/", "/webhooks/"))
               for method in sorted(rule.methods & WRITE_METHODS)]


def _id(method, rule, *extra):
    return "-".join((method, rule.endpoint, *extra))


def assert_json_error(response, code=None):
    assert response.is_json, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert set(error) == {"code", "title", "message"}
    assert error["code"] == response.status_code
    assert error["message"]
    if code is not None:
        assert response.status_code == code


# --- ids in the URL ------------------------------------------------------------------------

def test_route_discovery_finds_the_id_routes_that_used_to_crash():
    endpoints = {rule.endpoint for _, rule, _ in INT_ROUTES}
    assert {"chat.conversation", "chat.reply", "account.address_edit", "account.address_default",
            "account.address_delete", "account.notification_read"} <= endpoints


@pytest.mark.parametrize(("method", "rule", "slot"), INT_ROUTES,
                         ids=[_id(m, r, s) for m, r, s in INT_ROUTES])
def test_id_beyond_the_database_range_is_a_404(client, login_as, subtests, method, rule, slot):
    login_as(role_for(rule.rule))
    for name, number in HUGE_NUMBERS.items():
        with subtests.test(value=name):
            response = client.open(fill(rule, {slot: number}), method=method, data={})
            assert response.status_code == 404


@pytest.mark.parametrize(("method", "rule", "slot"), INT_ROUTES,
                         ids=[_id(m, r, s) for m, r, s in INT_ROUTES])
def test_largest_id_the_database_holds_is_looked_up_and_not_found(client, login_as, method,
                                                                  rule, slot):
    login_as(role_for(rule.rule))
    response = client.open(fill(rule, {slot: str(MAX_DB_INT)}), method=method, data={})
    assert response.status_code == 404


# --- numbers in query strings and forms --------------------------------------------------

@pytest.fixture
def sample_pages(app, factory):
    """The list pages that need a real slug: a product page and its shop's page."""
    shop, product = shop_with_product(app, factory)
    return [f"/product/{product.slug}", f"/shop/{shop.slug}"]


def test_route_discovery_finds_the_list_pages_that_take_a_page_number():
    paths = {rule.rule for rule in GET_ROUTES}
    assert {"/admin/outbox", "/admin/orders", "/seller/orders", "/account/orders",
            "/account/notifications", "/account/following", "/products", "/shops",
            "/offers"} <= paths


@pytest.mark.parametrize("rule", GET_ROUTES, ids=[rule.endpoint for rule in GET_ROUTES])
def test_huge_numbers_in_the_query_string_never_crash_a_page(client, login_as, subtests, rule):
    login_as(role_for(rule.rule))
    for name, number in HUGE_NUMBERS.items():
        with subtests.test(value=name):
            response = client.get(rule.rule, query_string=dict.fromkeys(NUMERIC_PARAMS, number))
            assert response.status_code < 500


def test_huge_page_numbers_on_product_and_shop_pages_never_crash(client, login_as, subtests,
                                                               sample_pages):
    login_as("shopper")
    for path in sample_pages:
        for name, number in HUGE_NUMBERS.items():
            with subtests.test(path=path, value=name):
                response = client.get(path, query_string={"page": number})
                assert response.status_code == 200


@pytest.mark.parametrize(("path", "role"), [("/admin/outbox", "admin"),
                                            ("/seller/orders", "seller"),
                                            ("/admin/orders", "admin"),
                                            ("/account/orders", "shopper"),
                                            ("/account/notifications", "shopper"),
                                            ("/account/following", "shopper")])
def test_page_number_past_the_last_page_shows_the_list(client, login_as, path, role):
    login_as(role)
    response = client.get(path, query_string={"page": str(2**63 - 1)})
    assert response.status_code == 200


@pytest.mark.parametrize("rule", POST_ROUTES, ids=[rule.endpoint for rule in POST_ROUTES])
def test_huge_numbers_in_any_form_never_crash(client, login_as, subtests, rule):
    login_as(role_for(rule.rule))
    for name, number in HUGE_NUMBERS.items():
        with subtests.test(value=name):
            response = client.post(fill(rule, {}), data=dict.fromkeys(NUMERIC_PARAMS, number))
            assert response.status_code < 500


@pytest.mark.parametrize("field", ["variant_id", "quantity"])
def test_huge_cart_number_is_refused_with_a_message(app, client, auth, factory, field):
    _, product = shop_with_product(app, factory)
    auth.login_as("shopper")
    data = {"variant_id": str(product.variants[0].id), "quantity": "1", field: str(2**63)}
    response = client.post("/cart/add", data=data, follow_redirects=True)
    assert response.status_code == 200
    expected = {"variant_id": "We could not find that item.",
                "quantity": f"Choose a quantity from 1 to {carts.MAX_QUANTITY}."}[field]
    assert expected in alerts(response.get_data(as_text=True))


def test_chat_about_an_out_of_range_product_opens_without_a_product(app, client, auth, factory):
    shop, _ = shop_with_product(app, factory)
    auth.login_as("shopper")
    response = client.get("/messages/new", query_string={"shop": shop.slug,
                                                          "product": str(2**63)})
    assert response.status_code == 200


# --- JSON bodies ---------------------------------------------------------------------------

def test_route_discovery_finds_the_json_endpoints():
    assert {"api.auth_token", "api.auth_refresh", "api.auth_revoke",
            "webhooks.stripe"} <= {rule.endpoint for _, rule in JSON_ROUTES}


@pytest.mark.parametrize(("method", "rule"), JSON_ROUTES,
                         ids=[_id(m, r) for m, r in JSON_ROUTES])
def test_bad_json_body_is_a_400_in_the_error_shape(client, subtests, method, rule):
    for name, body in BAD_JSON_BODIES.items():
        with subtests.test(body=name):
            response = client.open(fill(rule, {}), method=method, data=body,
                                   content_type="application/json")
            assert_json_error(response, 400)


@pytest.mark.parametrize("name", ["nested", "nested_object", "malformed", "not_an_object"])
def test_signed_webhook_with_unusable_json_is_a_400(app, client, name):
    payload, header = sign(app, BAD_JSON_BODIES[name])
    response = client.post("/webhooks/stripe", data=payload, content_type="application/json",
                           headers={"Stripe-Signature": header})
    assert_json_error(response, 400)


def test_deeply_nested_token_request_says_what_to_send(client):
    response = client.post("/api/v1/auth/token", data=NESTED_JSON,
                           content_type="application/json")
    assert_json_error(response, 400)
    assert "Send a JSON object with email, password" in response.get_json()["error"]["message"]


# --- body size -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_limit_client(make_app):
    return make_app(MAX_CONTENT_LENGTH=1024).test_client()


@pytest.mark.parametrize("rule", POST_ROUTES, ids=[rule.endpoint for rule in POST_ROUTES])
def test_body_over_the_limit_is_a_413_on_every_post_route(small_limit_client, rule):
    response = small_limit_client.post(fill(rule, {}), data={"padding": "x" * 2048})
    assert response.status_code == 413
    if rule.rule.startswith(("/api/", "/webhooks/")):
        assert_json_error(response, 413)
    else:
        assert response.mimetype == "text/html"
        assert "Too large" in response.get_data(as_text=True)


def test_seventeen_megabyte_webhook_is_a_413_without_a_logged_error(client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.post("/webhooks/stripe", data=b"{" + b" " * (17 * 1024 * 1024),
                               content_type="application/json",
                               headers={"Stripe-Signature": "t=1,v1=0"})
    assert_json_error(response, 413)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_webhook_streamed_past_its_own_limit_without_a_length_is_a_413(client):
    # A chunked upload declares no Content-Length: the size shows only while reading it.
    body = b" " * (receive.MAX_PAYLOAD_BYTES + 1)
    response = client.post("/webhooks/stripe", input_stream=BytesIO(body),
                           content_type="application/json",
                           headers={"Stripe-Signature": "t=1,v1=0"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert_json_error(response, 413)
