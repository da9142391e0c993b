"""Role gates: every seller/admin route x anonymous/shopper/seller/admin, plus account and API."""
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, abort
from sqlalchemy import update

from app import register_blueprints
from app.extensions import db
from app.models.accounts import User
from tests.factories import PASSWORD

ROLES = ("shopper", "seller", "admin")
# Text that only a portal page shows; a 403 page must show none of it.
PORTAL_MARKERS = ("portal-sidebar", "portal-topbar", "Marketplace overview", "Mail outbox",
                  "Your shop")
BYSTANDER_EMAIL = "bystander-secret@example.com"
BYSTANDER_SHOP = "Bystander Secret Shop"


def _dummy(converter):
    if type(converter).__name__ == "UUIDConverter":
        return uuid.UUID(int=1)
    return 1


def _routes(prefix):
    """(method, path, endpoint) of every route under `prefix`, read from the real blueprints.

    GET when the route has it, else its first other method (a POST-only action gets a POST).
    """
    probe = Flask("route-probe")
    register_blueprints(probe)
    adapter = probe.url_map.bind("localhost")
    found = []
    for rule in probe.url_map.iter_rules():
        if rule.rule != prefix and not rule.rule.startswith(prefix + "/"):
            continue
        methods = rule.methods - {"HEAD", "OPTIONS"}
        method = "GET" if "GET" in methods else sorted(methods)[0]
        values = {name: _dummy(conv) for name, conv in rule._converters.items()}
        found.append((method, adapter.build(rule.endpoint, values, method=method),
                      rule.endpoint))
    return sorted(found)


SELLER_ROUTES = _routes("/seller")
ADMIN_ROUTES = _routes("/admin")
ACCOUNT_ROUTES = _routes("/account")
API_ROUTES = _routes("/api")
PORTAL_ROUTES = [("seller", *r) for r in SELLER_ROUTES] + [("admin", *r) for r in ADMIN_ROUTES]
WRONG_ROLE_CASES = [(role, *route) for route in PORTAL_ROUTES for role in ROLES
                    if role != route[0]]


def _ids(cases):
    """`endpoint`, prefixed by the role when the case has one: `shopper-seller.dashboard`."""
    return [f"{case[0]}-{case[-1]}" if case[0] in ROLES else case[-1] for case in cases]


def request(client, method, path):
    return client.open(path, method=method, data={} if method != "GET" else None)


def is_login_redirect(response):
    return response.status_code == 302 and urlsplit(response.location).path == "/auth/login"


@pytest.fixture
def bystander(factory):
    """Someone else's account and shop: their details must never show on a 403 page."""
    seller = factory.seller(with_shop=False, email=BYSTANDER_EMAIL)
    factory.shop(seller, name=BYSTANDER_SHOP)
    return seller


def test_route_discovery_sees_every_portal_route_of_the_real_app(app):
    real = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.rule.startswith(("/seller", "/admin")))
    assert real == sorted(endpoint for _, _, _, endpoint in PORTAL_ROUTES)
    assert {"seller.dashboard", "admin.dashboard"} <= set(real)


@pytest.mark.parametrize(("portal", "method", "path", "endpoint"), PORTAL_ROUTES,
                         ids=_ids(PORTAL_ROUTES))
def test_anonymous_visitor_is_sent_to_login_with_next(client, portal, method, path, endpoint):
    response = request(client, method, path)
    assert is_login_redirect(response), (response.status_code, response.location)
    next_url = parse_qs(urlsplit(response.location).query)["next"][0]
    assert urlsplit(next_url).path == path


@pytest.mark.parametrize(("role", "portal", "method", "path", "endpoint"), WRONG_ROLE_CASES,
                         ids=_ids(WRONG_ROLE_CASES))
def test_wrong_role_gets_a_403_page_without_portal_data(client, login_as, bystander, role,
                                                        portal, method, path, endpoint):
    login_as(role)
    response = request(client, method, path)
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Not allowed" in body
    for marker in (*PORTAL_MARKERS, BYSTANDER_EMAIL, BYSTANDER_SHOP):
        assert marker not in body


@pytest.mark.parametrize(("portal", "method", "path", "endpoint"), PORTAL_ROUTES,
                         ids=_ids(PORTAL_ROUTES))
def test_right_role_reaches_the_route(client, login_as, portal, method, path, endpoint):
    login_as(portal)
    response = request(client, method, path)
    assert response.status_code < 500
    assert response.status_code != 403
    assert not is_login_redirect(response)


@pytest.mark.parametrize(("method", "path", "endpoint"), SELLER_ROUTES, ids=_ids(SELLER_ROUTES))
def test_seller_without_a_shop_is_sent_to_create_one(client, auth, factory, method, path,
                                                     endpoint):
    auth.login(factory.seller(with_shop=False))
    response = request(client, method, path)
    if endpoint == "seller.shop_create":
        assert response.status_code in (200, 422)
        assert "Shop name" in response.get_data(as_text=True)
    else:
        assert response.status_code == 302
        assert urlsplit(response.location).path == "/seller/shop/new"


def test_seller_with_a_shop_is_sent_from_shop_creation_to_the_dashboard(client, login_as):
    login_as("seller")
    response = client.get("/seller/shop/new")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/seller/"


@pytest.mark.parametrize(("method", "path", "endpoint"), ACCOUNT_ROUTES, ids=_ids(ACCOUNT_ROUTES))
def test_account_pages_send_anonymous_visitors_to_login(client, method, path, endpoint):
    response = request(client, method, path)
    assert is_login_redirect(response), (response.status_code, response.location)


@pytest.mark.parametrize(("method", "path", "endpoint"), ACCOUNT_ROUTES, ids=_ids(ACCOUNT_ROUTES))
def test_account_pages_open_for_a_signed_in_shopper(client, login_as, method, path, endpoint):
    login_as("shopper")
    response = request(client, method, path)
    assert response.status_code < 500
    assert response.status_code != 403
    assert not is_login_redirect(response)


@pytest.mark.parametrize(("method", "path", "endpoint"), API_ROUTES, ids=_ids(API_ROUTES))
def test_api_routes_answer_anonymous_callers_in_json_never_with_a_login_page(
        client, method, path, endpoint):
    response = request(client, method, path)
    assert 400 <= response.status_code < 500
    assert response.is_json
    assert response.get_json()["error"]["message"]


def test_api_route_needing_a_token_answers_401_json_with_a_bearer_challenge(client, login_as):
    login_as("shopper")  # a browser session cookie is not an API credential
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_api_token_of_a_banned_user_gets_a_403_json(client, factory, in_app):
    user = factory.shopper()
    tokens = client.post("/api/v1/auth/token", json={"email": user.email,
                                                     "password": PASSWORD}).get_json()

    def ban():
        db.session.execute(update(User).where(User.id == user.id).values(is_banned=True))
        db.session.commit()

    in_app(ban)
    response = client.get("/api/v1/me",
                          headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert response.status_code == 403
    assert response.is_json
    assert response.get_json()["error"]["code"] == 403


def test_forbidden_under_api_is_json_not_an_html_page(make_app):
    app = make_app()
    app.add_url_rule("/api/v1/_forbidden_probe", "forbidden_probe", lambda: abort(403))
    response = app.test_client().get("/api/v1/_forbidden_probe")
    assert response.status_code == 403
    assert response.is_json
    assert response.get_json()["error"] == {
        "code": 403, "title": "Not allowed", "message": "You do not have access to this page."}
