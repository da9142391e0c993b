"""A session's signed CSRF token is reused for a while, and always matches the session."""
import re

import flask_wtf.csrf
import pytest

from app import csrf_tokens
from tests.factories import PASSWORD


@pytest.fixture
def strict_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def token_of(client, path="/"):
    page = client.get(path)
    assert page.status_code == 200, path
    return re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True)).group(1)


@pytest.fixture
def signings(monkeypatch):
    """How many times Flask-WTF signed a CSRF token (the session cookie is signed apart)."""
    count = []
    original = flask_wtf.csrf.URLSafeTimedSerializer.dumps

    def counting(self, *args, **kwargs):
        if self.salt == b"wtf-csrf-token":
            count.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(flask_wtf.csrf.URLSafeTimedSerializer, "dumps", counting)
    return count


def test_pages_of_one_session_reuse_its_signed_token(strict_app, signings):
    client = strict_app.test_client()
    first, second = token_of(client), token_of(client, "/products")
    assert first == second
    assert len(signings) == 1


def test_a_reused_token_still_passes_the_csrf_check(strict_app):
    client = strict_app.test_client()
    token_of(client)
    token = token_of(client)
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302


def test_each_session_gets_its_own_token(strict_app):
    assert token_of(strict_app.test_client()) != token_of(strict_app.test_client())


def test_the_token_is_signed_again_after_the_reuse_window(strict_app, signings, monkeypatch):
    client = strict_app.test_client()
    token_of(client)
    clock = csrf_tokens.time.monotonic() + csrf_tokens.REUSE_SECONDS + 1
    monkeypatch.setattr(csrf_tokens.time, "monotonic", lambda: clock)
    token_of(client)
    assert len(signings) == 2


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
