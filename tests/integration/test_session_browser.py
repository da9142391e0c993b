"""A signed-in session (and its remember cookie) works only in the browser it was opened in,
and Flask-Login's own session protection is off: guests' cookies are left alone."""
import pytest

from tests.factories import PASSWORD

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
OTHER_BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1"


def browser(app, user_agent=BROWSER):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def log_in(client, email, remember=False):
    data = {"email": email, "password": PASSWORD} | ({"remember": "y"} if remember else {})
    assert client.post("/auth/login", data=data).status_code == 302


def is_signed_in(client):
    return client.get("/account/").status_code == 200


def copy_to(app, client, cookie, user_agent):
    """Another browser holding a copy of one of the client's cookies, and nothing else."""
    other = browser(app, user_agent)
    other.set_cookie(cookie, client.get_cookie(cookie).value)
    return other


@pytest.fixture
def shopper(factory):
    return factory.shopper()


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_cookie_copied_into_another_browser_signs_nobody_in(app, shopper, cookie):
    owner = browser(app)
    log_in(owner, shopper.email, remember=True)
    assert is_signed_in(copy_to(app, owner, cookie, BROWSER))  # the same browser: it works
    assert not is_signed_in(copy_to(app, owner, cookie, OTHER_BROWSER))
    assert is_signed_in(owner)  # the refused copy did not sign the owner out


def test_a_browser_that_sends_no_user_agent_stays_signed_in(app, shopper):
    client = browser(app, "")
    log_in(client, shopper.email)
    assert is_signed_in(client)
    client.environ_base["HTTP_USER_AGENT"] = BROWSER
    assert not is_signed_in(client)


def test_a_guest_page_sets_no_cookie_after_the_first(app):
    client = browser(app)
    first = client.get("/products")
    assert {c.partition("=")[0] for c in first.headers.getlist("Set-Cookie")} <= {"session"}
    for path in ("/products", "/", "/auth/login"):
        assert client.get(path).headers.getlist("Set-Cookie") == [], path


def test_signed_in_pages_do_not_rewrite_the_session_cookie(app, shopper):
    client = browser(app)
    log_in(client, shopper.email, remember=True)
    client.get("/account/")
    for path in ("/account/", "/products", "/"):
        assert client.get(path).headers.getlist("Set-Cookie") == [], path
