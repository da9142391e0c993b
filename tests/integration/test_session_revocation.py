"""Server-side sessions: logout, "sign out everywhere" and password changes revoke copies too."""
import hashlib
import re

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import ApiRefreshToken, UserSession
from tests.factories import PASSWORD

SIGN_OUT_EVERYWHERE = "/account/sign-out-everywhere"
NEW_PASSWORD = "brass-lantern-58"


def log_in(client, email, remember=False):
    data = {"email": email, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def is_signed_in(client):
    return client.get("/account/").status_code == 200


def copy_of(app, client, cookie):
    """A second browser holding a copy of one of the client's cookies, and nothing else."""
    thief = app.test_client()
    thief.set_cookie(cookie, client.get_cookie(cookie).value)
    return thief


def session_count(in_app, user):
    return in_app(lambda: db.session.scalar(
        select(func.count()).select_from(UserSession).filter_by(user_id=user.id)))


@pytest.fixture
def shopper(factory):
    return factory.shopper()


def test_login_records_a_session_whose_key_is_stored_only_hashed(client, shopper, in_app):
    log_in(client, shopper.email)
    with client.session_transaction() as session:
        user_id, key = session["_user_id"].split(":")
    rows = in_app(lambda: db.session.scalars(select(UserSession)).all())
    assert [(row.user_id, row.key_hash) for row in rows] == [
        (shopper.id, hashlib.sha256(key.encode()).hexdigest())]
    assert user_id == str(shopper.id) and len(key) >= 32


def test_copied_session_cookie_is_refused_after_logout(app, client, shopper):
    log_in(client, shopper.email)
    thief = copy_of(app, client, "session")
    assert is_signed_in(thief)  # the copy works while the session lives...
    client.post("/auth/logout")
    assert not is_signed_in(thief)  # ...and not after the owner logs out


def test_copied_remember_token_is_refused_after_logout(app, client, shopper):
    log_in(client, shopper.email, remember=True)
    assert is_signed_in(copy_of(app, client, "remember_token"))
    thief = copy_of(app, client, "remember_token")
    client.post("/auth/logout")
    assert not is_signed_in(thief)


def test_logout_deletes_only_this_browsers_session(app, client, shopper, in_app):
    log_in(client, shopper.email)
    elsewhere = app.test_client()
    log_in(elsewhere, shopper.email)
    client.post("/auth/logout")
    assert session_count(in_app, shopper) == 1
    assert is_signed_in(elsewhere)


def test_the_sign_out_everywhere_page_lists_the_browsers_and_a_get_revokes_nothing(
        app, client, shopper, in_app):
    log_in(client, shopper.email)
    elsewhere = app.test_client()
    elsewhere.environ_base["HTTP_USER_AGENT"] = "Phone Browser 7"
    log_in(elsewhere, shopper.email)
    page = client.get(SIGN_OUT_EVERYWHERE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Where you are signed in (2)" in text and "Phone Browser 7" in text
    assert 'class="btn btn-danger">Sign out everywhere</button>' in text
    assert session_count(in_app, shopper) == 2
    assert is_signed_in(client) and is_signed_in(elsewhere)


def test_the_account_page_links_to_the_sign_out_everywhere_confirmation(client, shopper):
    log_in(client, shopper.email)
    assert f'href="{SIGN_OUT_EVERYWHERE}"' in client.get("/account/").get_data(as_text=True)


def test_sign_out_everywhere_signs_out_another_browser(app, client, shopper):
    log_in(client, shopper.email)
    elsewhere = app.test_client()
    log_in(elsewhere, shopper.email, remember=True)
    client.post(SIGN_OUT_EVERYWHERE)
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(copy_of(app, elsewhere, "remember_token"))


def test_sign_out_everywhere_leaves_this_browser_signed_out(client, shopper, in_app):
    log_in(client, shopper.email, remember=True)
    response = client.post(SIGN_OUT_EVERYWHERE)
    assert response.status_code == 302
    assert response.location == "/auth/login"
    assert client.get_cookie("remember_token") is None
    assert not is_signed_in(client)
    assert session_count(in_app, shopper) == 0


def test_sign_out_everywhere_ends_api_sign_ins(client, shopper):
    tokens = client.post("/api/v1/auth/token",
                         json={"email": shopper.email, "password": PASSWORD}).get_json()
    log_in(client, shopper.email)
    client.post(SIGN_OUT_EVERYWHERE)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    refreshed = client.post("/api/v1/auth/refresh",
                            json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401


def test_sign_out_everywhere_marks_the_api_refresh_tokens_revoked(client, shopper, in_app):
    client.post("/api/v1/auth/token", json={"email": shopper.email, "password": PASSWORD})
    log_in(client, shopper.email)
    client.post(SIGN_OUT_EVERYWHERE)
    rows = in_app(lambda: db.session.scalars(select(ApiRefreshToken)).all())
    assert len(rows) == 1 and rows[0].revoked_at is not None


def test_sign_out_everywhere_needs_the_csrf_token(make_app, factory):
    strict = make_app(WTF_CSRF_ENABLED=True)
    user = factory.shopper()
    client = strict.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                     "csrf_token": token})
    assert is_signed_in(client)
    response = client.post(SIGN_OUT_EVERYWHERE)
    assert response.status_code == 400
    assert is_signed_in(client)


def test_password_change_signs_out_a_remembered_browser_but_keeps_this_one(
        app, client, shopper, in_app):
    log_in(client, shopper.email)
    elsewhere = app.test_client()
    log_in(elsewhere, shopper.email, remember=True)
    remembered = copy_of(app, elsewhere, "remember_token")
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(remembered)
    assert session_count(in_app, shopper) == 1


@pytest.mark.parametrize("session_id", [
    "99999999999999999999999:some-key", "1:", ":some-key", "1", "１:some-key",
])
def test_a_malformed_session_id_signs_nobody_in(client, shopper, in_app, session_id):
    # Signed with the app's key, as only a leaked secret would allow: the loader still refuses.
    client.set_cookie("remember_token", in_app(lambda: encode_cookie(session_id)))
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login")
