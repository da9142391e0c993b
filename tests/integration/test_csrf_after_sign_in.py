"""Flask-WTF's CSRF token always belongs to the session as it is now, across sign-in and out."""
import re

import pytest
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from app.extensions import db
from app.models.accounts import User
from blueprints.auth.session import end_session, start_session
from tests.factories import PASSWORD


@pytest.fixture
def strict_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def token_of(client, path="/"):
    page = client.get(path)
    assert page.status_code == 200, path
    return re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_each_session_gets_its_own_token(strict_app):
    assert token_of(strict_app.test_client()) != token_of(strict_app.test_client())


def test_a_pages_token_passes_the_csrf_check(strict_app):
    client = strict_app.test_client()
    token = token_of(client, "/products")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302


def test_after_signing_in_the_page_token_belongs_to_the_new_session(strict_app, factory):
    client = strict_app.test_client()
    user = factory.shopper()
    response = client.post("/auth/login", data={
        "csrf_token": token_of(client, "/auth/login"), "email": user.email,
        "password": PASSWORD})
    assert response.status_code == 302
    token = token_of(client, "/account/")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account/").status_code == 302  # signed out: sent to log in


def assert_token_renewed(before):
    after = generate_csrf()  # what a page rendered now, in the same request, would carry
    assert after != before
    validate_csrf(after)
    with pytest.raises(ValidationError):
        validate_csrf(before)


def test_a_page_rendered_after_signing_in_in_the_same_request_carries_the_new_token(
        app, factory):
    shopper = factory.shopper()
    with app.test_request_context("/auth/login", method="POST"):
        before = generate_csrf()
        start_session(db.session.get(User, shopper.id))
        assert_token_renewed(before)


def test_a_page_rendered_after_signing_out_in_the_same_request_carries_the_new_token(app):
    with app.test_request_context("/auth/logout", method="POST"):
        before = generate_csrf()
        end_session()
        assert_token_renewed(before)
