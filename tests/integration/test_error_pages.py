"""Error pages for people and JSON errors for the API; CSRF, size limits and security headers."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import User
from tests.factories import PASSWORD

SECRET_DETAIL = "db password is hunter2"


def csp_directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def user_count(in_app):
    return in_app(lambda: db.session.scalar(select(func.count(User.id))))


@pytest.fixture
def crashing_app(make_app):
    """An app with routes that raise, registered before its first request."""
    app = make_app()

    def boom():
        raise RuntimeError(SECRET_DETAIL)

    app.add_url_rule("/_boom", "boom", boom)
    app.add_url_rule("/api/v1/_boom", "api_boom", boom)
    return app


def test_unknown_page_gets_a_human_404_with_a_link_home(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "Page not found" in body
    assert 'href="/"' in body


def test_unknown_api_path_gets_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["code"] == 404
    assert response.get_json()["error"]["message"]


def test_wrong_method_gets_a_405_page_that_names_the_allowed_method(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "That action is not available here." in response.get_data(as_text=True)


def test_wrong_method_on_the_api_gets_a_json_405(client):
    response = client.get("/api/v1/auth/token")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == 405
    assert "POST" in response.headers["Allow"]


def test_body_over_the_size_limit_gets_a_413_page_and_writes_nothing(make_app, in_app):
    client = make_app(MAX_CONTENT_LENGTH=100).test_client()
    response = client.post("/auth/signup", data={
        "name": "Big Sender", "email": "big@example.com", "password": PASSWORD,
        "confirm": PASSWORD, "padding": "x" * 500})
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)
    assert user_count(in_app) == 0


def test_login_without_csrf_token_gets_a_400_page_and_signs_nobody_in(make_app, factory,
                                                                      in_app):
    user = factory.shopper()
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form expired or was sent from elsewhere." in response.get_data(as_text=True)
    assert in_app(lambda: db.session.get(User, user.id).last_login_at) is None
    assert client.get("/account/").status_code == 302  # still anonymous


def test_signup_without_csrf_token_gets_a_400_page_and_creates_no_account(make_app, in_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/auth/signup", data={
        "name": "No Token", "email": "notoken@example.com", "password": PASSWORD,
        "confirm": PASSWORD})
    assert response.status_code == 400
    assert "Reload the page and try again." in response.get_data(as_text=True)
    assert user_count(in_app) == 0


def test_crash_renders_the_friendly_500_page_without_the_traceback(crashing_app):
    response = crashing_app.test_client().get("/_boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body
    assert 'href="/"' in body
    for leak in (SECRET_DETAIL, "Traceback", "RuntimeError", "test_error_pages"):
        assert leak not in body


def test_crash_under_api_answers_json_500_without_the_traceback(crashing_app):
    response = crashing_app.test_client().get("/api/v1/_boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == 500
    body = response.get_data(as_text=True)
    for leak in (SECRET_DETAIL, "Traceback", "RuntimeError"):
        assert leak not in body


@pytest.mark.parametrize("path", ["/", "/auth/login", "/no/such/page", "/api/v1/me"])
def test_responses_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    script_src = csp_directives(response)["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src


def test_error_pages_carry_the_security_headers_too(crashing_app):
    response = crashing_app.test_client().get("/_boom")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "'unsafe-inline'" not in csp_directives(response)["script-src"]


def test_csp_forbids_framing_and_foreign_scripts(client):
    directives = csp_directives(client.get("/"))
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
