"""Logging in and out: portals, remember-me, refusals, safe redirects, sessions, rate limit."""
from urllib.parse import urlencode

import pytest
from flask_limiter.util import get_qualified_name
from sqlalchemy import update

from app.extensions import db, limiter
from app.models.accounts import User
from tests.factories import PASSWORD
from tests.support import modes

GENERIC_REFUSAL = "That email and password do not match an account."
SUSPENDED = "This account has been suspended."


def log_in(client, email, password=PASSWORD, next_url=None, remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    url = "/auth/login" if next_url is None else "/auth/login?" + urlencode({"next": next_url})
    return client.post(url, data=data)


def is_signed_in(client):
    return client.get("/account/").status_code == 200


@pytest.mark.parametrize(("role", "landing"), [
    ("shopper", "/"), ("seller", "/seller/"), ("admin", "/admin/"),
])
def test_login_lands_each_role_on_its_portal(client, factory, role, landing):
    user = getattr(factory, role)()
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert response.location == landing
    assert client.get(landing).status_code == 200


def test_login_is_not_fussy_about_email_case_and_spaces(client, factory):
    factory.shopper(email="case.person@example.com")
    assert log_in(client, "  Case.Person@Example.COM ").status_code == 302
    assert is_signed_in(client)


def test_remember_me_sets_the_remember_cookie(client, factory):
    user = factory.shopper()
    log_in(client, user.email, remember=True)
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_remember_cookie(client, factory):
    user = factory.shopper()
    log_in(client, user.email)
    assert client.get_cookie("remember_token") is None
    assert is_signed_in(client)


def test_wrong_password_is_refused_with_the_generic_message(client, factory):
    user = factory.shopper()
    response = log_in(client, user.email, password="not-my-password-1")
    assert response.status_code == 422
    assert GENERIC_REFUSAL in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_unknown_email_and_wrong_password_get_identical_answers(client, factory):
    user = factory.shopper(email="known@example.com")
    wrong_password = log_in(client, user.email, password="not-my-password-1")
    unknown_email = log_in(client, "nobody@example.com", password="not-my-password-1")
    assert wrong_password.status_code == unknown_email.status_code == 422
    assert (wrong_password.get_data(as_text=True).replace(user.email, "EMAIL")
            == unknown_email.get_data(as_text=True).replace("nobody@example.com", "EMAIL"))


def test_a_banned_account_is_refused_with_the_suspension_message(client, factory):
    user = factory.shopper(banned=True)
    response = log_in(client, user.email)
    assert response.status_code == 422
    assert SUSPENDED in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_a_banned_account_with_a_wrong_password_learns_nothing_about_the_ban(client, factory):
    user = factory.shopper(banned=True)
    page = log_in(client, user.email, password="not-my-password-1").get_data(as_text=True)
    assert GENERIC_REFUSAL in page
    assert SUSPENDED not in page


def test_a_signed_in_user_who_is_banned_loses_the_session_on_the_next_request(
        client, factory, in_app):
    user = factory.shopper()
    log_in(client, user.email)
    assert is_signed_in(client)

    def ban():
        db.session.execute(update(User).filter_by(id=user.id).values(is_banned=True))
        db.session.commit()

    in_app(ban)
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login")


def test_an_unverified_account_is_sent_to_verify_with_a_fresh_code(client, factory, mailbox):
    user = factory.shopper(verified=False)
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert response.location == f"/auth/verify?email={user.email}"
    assert not is_signed_in(client)
    assert mailbox.wait_for(user.email).code


def test_next_is_honoured_for_a_local_path(client, factory):
    user = factory.shopper()
    response = log_in(client, user.email, next_url="/account/password")
    assert response.location == "/account/password"


@pytest.mark.parametrize("target", [
    "//evil.com", "https://evil.com/", "/\\evil.com", "javascript:alert(1)",
])
def test_next_to_another_site_is_ignored(client, factory, target):
    user = factory.shopper()
    response = log_in(client, user.email, next_url=target)
    assert response.status_code == 302
    assert response.location == "/"


def test_the_login_page_does_not_carry_a_foreign_next_into_its_form(client):
    page = client.get("/auth/login?next=//evil.com").get_data(as_text=True)
    assert "evil.com" not in page


def test_login_replaces_the_session_cookie(client, factory):
    user = factory.shopper()
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "by-someone-else"
    before = client.get_cookie("session").value
    log_in(client, user.email)
    assert client.get_cookie("session").value != before


def test_a_value_planted_in_the_session_before_login_is_gone_after(client, factory):
    user = factory.shopper()
    with client.session_transaction() as session:
        session["planted"] = "by-someone-else"
    log_in(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_the_pre_login_session_cookie_does_not_sign_anyone_in(app, client, factory):
    user = factory.shopper()
    with client.session_transaction() as session:
        session["planted"] = "by-someone-else"
    before = client.get_cookie("session").value
    log_in(client, user.email)
    attacker = app.test_client()
    attacker.set_cookie("session", before)
    assert not is_signed_in(attacker)


def test_logout_by_get_is_not_allowed(client, factory):
    user = factory.shopper()
    log_in(client, user.email)
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert is_signed_in(client)


def test_logout_ends_the_session(client, factory):
    user = factory.shopper()
    log_in(client, user.email)
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_logout_deletes_the_remember_cookie(client, factory):
    user = factory.shopper()
    log_in(client, user.email, remember=True)
    client.post("/auth/logout")
    assert client.get_cookie("remember_token") is None


def test_after_logout_a_browser_restart_does_not_sign_a_remembered_user_back_in(client, factory):
    user = factory.shopper()
    log_in(client, user.email, remember=True)
    client.post("/auth/logout")
    client.delete_cookie("session")  # closing the browser drops the session cookie
    assert not is_signed_in(client)


@pytest.fixture
def limited_app(make_app):
    """An app whose login allows 3 posts a minute (the others keep limits off)."""
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")


def test_the_fourth_login_post_in_a_minute_gets_a_429_page(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        assert log_in(client, "someone@example.com").status_code == 422
    response = log_in(client, "someone@example.com")
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "Too many attempts. Please wait a moment and try again." in response.get_data(
        as_text=True)


def test_login_limits_are_kept_in_redis_in_the_services_run(limited_app):
    log_in(limited_app.test_client(), "someone@example.com")
    storage = type(limiter.storage).__name__
    if modes.SERVICES:
        assert "Redis" in storage
        redis = limited_app.extensions["jobs"].redis
        assert any(redis.scan_iter(match="LIMITS:*"))
    else:
        # Shared by every worker, unlike a per-process memory:// count.
        assert storage == "DatabaseStorage"


def test_with_rate_limiting_off_many_login_posts_are_answered(client):
    for _ in range(12):
        assert log_in(client, "someone@example.com").status_code == 422


def test_browsing_as_a_guest_does_not_rewrite_the_session_cookie(client):
    client.get("/products")  # the first page sets the session (its CSRF token)
    response = client.get("/products")
    assert response.headers.getlist("Set-Cookie") == []


def test_a_signed_in_session_replayed_from_another_browser_is_signed_out(client, factory):
    user = factory.shopper()
    log_in(client, user.email)
    assert is_signed_in(client)
    client.environ_base["HTTP_USER_AGENT"] = "a different browser"
    assert not is_signed_in(client)


def test_every_rate_limit_applies_to_posts_only(app):
    # The limiter skips GET and HEAD requests (app.extensions._not_rate_limited).
    decorated = limiter.limit_manager._decorated_limits
    assert decorated, "no rate-limited views found: the check below would prove nothing"
    endpoints = {get_qualified_name(view): rule for rule in app.url_map.iter_rules()
                 for view in [app.view_functions[rule.endpoint]]}
    for name, limits in decorated.items():
        rule = endpoints[name]
        for limit in limits:
            methods = {m.upper() for m in limit.methods or rule.methods}
            assert not {"GET", "HEAD"} & methods, (name, limit)
