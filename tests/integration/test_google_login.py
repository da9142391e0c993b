"""Sign in with Google, against a local stand-in OpenID provider served on 127.0.0.1."""
import base64
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, jsonify, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import Role, User
from tests.factories import PASSWORD
from tests.support.server import LiveServer

CLIENT_ID, CLIENT_SECRET = "test-client", "s"


class StandInGoogle:
    """A tiny OpenID provider: discovery, JWKS and a token endpoint signing RS256 id_tokens.

    The test plays the person at Google's consent screen: `approve(code, nonce=..., ...)`
    says which claims the id_token for that authorization code will carry.
    """

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "stand-in-1", "use": "sig"})
        self.signing_key = self.key
        self.approved = {}
        self.token_requests = []
        self.server = LiveServer(self._build_app())
        self.url = self.server.url

    def approve(self, code, **claims):
        self.approved[code] = claims

    def id_token(self, claims):
        now = int(time.time())
        payload = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, **claims}
        header = {"alg": "RS256", "kid": self.signing_key.kid}
        return jwt.encode(header, payload, self.signing_key)

    def _build_app(self):
        app = Flask("stand_in_google")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.url,
                authorization_endpoint=f"{self.url}/authorize",
                token_endpoint=f"{self.url}/token",
                jwks_uri=f"{self.url}/jwks",
                userinfo_endpoint=f"{self.url}/userinfo",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.post("/token")
        def token():
            self.token_requests.append(request.form.to_dict())
            expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if request.headers.get("Authorization") != expected:
                return jsonify(error="invalid_client"), 401
            claims = self.approved.pop(request.form.get("code"), None)
            if claims is None or request.form.get("grant_type") != "authorization_code":
                return jsonify(error="invalid_grant"), 400
            body = {"access_token": "stand-in-access-token", "token_type": "Bearer",
                    "expires_in": 3600, "scope": "openid email profile"}
            if claims.pop("_omit_id_token", False) is False:
                body["id_token"] = self.id_token(claims)
            return jsonify(body)

        return app


@pytest.fixture(scope="module")
def google():
    provider = StandInGoogle()
    provider.server.start()
    yield provider
    provider.server.stop()


@pytest.fixture(autouse=True)
def _fresh_provider(google):
    google.approved.clear()
    google.token_requests.clear()
    google.signing_key = google.key


@pytest.fixture(scope="module")
def google_app(make_app, google):
    return make_app(GOOGLE_CLIENT_ID=CLIENT_ID, GOOGLE_CLIENT_SECRET=CLIENT_SECRET,
                    GOOGLE_DISCOVERY_URL=google.url + "/.well-known/openid-configuration")


@pytest.fixture
def visitor(google_app):
    return google_app.test_client()


def start_sign_in(visitor, google):
    """Click "Continue with Google"; returns the state and nonce the app sent to the provider."""
    response = visitor.get("/auth/google")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{google.url}/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == [CLIENT_ID]
    assert "openid" in query["scope"][0].split()
    return query["state"][0], query["nonce"][0]


def sign_in_with_google(visitor, google, **claims):
    state, nonce = start_sign_in(visitor, google)
    google.approve("abc", **{"nonce": nonce, **claims})
    return visitor.get(f"/auth/google/callback?code=abc&state={state}")


def google_claims(email="ada@gmail.com", **extra):
    return {"sub": "google-ada-1", "email": email, "email_verified": True,
            "name": "Ada Lovelace", **extra}


def flashes(visitor):
    with visitor.session_transaction() as session:
        return " ".join(message for _, message in session.get("_flashes", []))


def is_signed_in(visitor):
    return visitor.get("/account/").status_code == 200


def users(in_app):
    return in_app(lambda: db.session.scalars(select(User).order_by(User.id)).all())


def test_new_google_user_is_created_verified_as_a_shopper_and_signed_in(visitor, google, in_app):
    response = sign_in_with_google(visitor, google, **google_claims())
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    assert is_signed_in(visitor)
    [user] = users(in_app)
    assert (user.email, user.name, user.role) == ("ada@gmail.com", "Ada Lovelace", Role.SHOPPER)
    assert user.google_sub == "google-ada-1" and user.is_verified
    assert user.password_hash is None


def test_app_redeems_the_code_with_its_client_secret_and_redirect_uri(visitor, google, google_app):
    sign_in_with_google(visitor, google, **google_claims())
    [sent] = google.token_requests
    assert sent["code"] == "abc"
    assert sent["redirect_uri"] == f"{google_app.config['BASE_URL']}/auth/google/callback"


def test_redirect_uri_is_built_on_base_url_not_the_request_host(visitor, google, google_app):
    response = visitor.get("/auth/google", headers={"Host": "evil.example"})
    sent = parse_qs(urlsplit(response.headers["Location"]).query)
    assert sent["redirect_uri"] == [f"{google_app.config['BASE_URL']}/auth/google/callback"]


def test_existing_verified_account_is_linked_not_duplicated(visitor, google, factory, in_app):
    existing = factory.shopper(email="ada@gmail.com")
    response = sign_in_with_google(visitor, google, **google_claims())
    assert response.status_code == 302
    assert is_signed_in(visitor)
    [user] = users(in_app)
    assert user.id == existing.id and user.google_sub == "google-ada-1"
    assert user.password_hash  # the password still works alongside Google


def test_returning_google_user_signs_in_to_the_same_account(visitor, google, in_app):
    sign_in_with_google(visitor, google, **google_claims())
    visitor.post("/auth/logout")
    sign_in_with_google(visitor, google, **google_claims(email="ada.new@gmail.com"))
    assert is_signed_in(visitor)
    assert len(users(in_app)) == 1


def test_unverified_google_email_is_refused_with_a_message(visitor, google, in_app):
    response = sign_in_with_google(visitor, google, **google_claims(email_verified=False))
    assert urlsplit(response.headers["Location"]).path == "/auth/login"
    assert "not verified" in flashes(visitor)
    assert not is_signed_in(visitor)
    assert users(in_app) == []


def test_banned_account_is_refused(visitor, google, factory):
    factory.shopper(email="ada@gmail.com", banned=True)
    response = sign_in_with_google(visitor, google, **google_claims())
    assert urlsplit(response.headers["Location"]).path == "/auth/login"
    assert "suspended" in flashes(visitor)
    assert not is_signed_in(visitor)


def test_callback_with_a_wrong_state_is_refused_and_creates_no_one(visitor, google, in_app):
    start_sign_in(visitor, google)
    google.approve("abc", **google_claims())
    response = visitor.get("/auth/google/callback?code=abc&state=not-the-state")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/auth/login"
    assert "did not complete" in flashes(visitor)
    assert google.token_requests == []  # the code was never redeemed
    assert users(in_app) == []


def test_callback_without_starting_sign_in_is_refused(visitor, google, in_app):
    response = visitor.get("/auth/google/callback?code=abc&state=anything")
    assert response.status_code == 302
    assert users(in_app) == []


@pytest.mark.parametrize("tamper", ["other_key", "wrong_audience", "wrong_nonce", "wrong_issuer",
                                    "expired", "no_id_token", "code_refused"])
def test_an_id_token_that_does_not_check_out_is_refused_without_an_error(
    visitor, google, in_app, tamper
):
    claims = google_claims()
    if tamper == "other_key":
        google.signing_key = RSAKey.generate_key(2048, parameters={"kid": google.key.kid})
    elif tamper == "wrong_audience":
        claims["aud"] = "someone-elses-client"
    elif tamper == "wrong_issuer":
        claims["iss"] = "https://evil.example"
    elif tamper == "expired":
        claims |= {"iat": int(time.time()) - 3600, "exp": int(time.time()) - 1800}
    elif tamper == "no_id_token":
        claims["_omit_id_token"] = True
    state, nonce = start_sign_in(visitor, google)
    if tamper != "code_refused":
        google.approve("abc", **{"nonce": "not-" + nonce if tamper == "wrong_nonce" else nonce,
                                 **claims})
    response = visitor.get(f"/auth/google/callback?code=abc&state={state}")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/auth/login"
    assert not is_signed_in(visitor)
    assert in_app(lambda: db.session.scalar(select(func.count(User.id)))) == 0


def test_google_button_is_hidden_when_google_is_not_configured(client):
    page = client.get("/auth/login")
    assert page.status_code == 200
    assert 'href="/auth/google"' not in page.get_data(as_text=True)
    assert client.get("/auth/google").status_code == 404


def test_google_button_is_shown_when_google_is_configured(visitor):
    page = visitor.get("/auth/login")
    assert page.status_code == 200
    assert 'href="/auth/google"' in page.get_data(as_text=True)


def test_a_password_sign_in_still_works_for_a_linked_account(visitor, google, factory):
    user = factory.shopper(email="ada@gmail.com")
    sign_in_with_google(visitor, google, **google_claims())
    visitor.post("/auth/logout")
    response = visitor.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(visitor)


def test_unfinished_sign_up_with_the_same_email_is_taken_over_by_the_google_owner(
    visitor, google, factory, in_app
):
    squatter = factory.seller(email="ada@gmail.com", verified=False, with_shop=False)
    sign_in_with_google(visitor, google, **google_claims())
    assert is_signed_in(visitor)
    [user] = users(in_app)
    assert user.id == squatter.id and user.is_verified
    assert user.name == "Ada Lovelace" and user.password_hash is None
    other = visitor.application.test_client()
    response = other.post("/auth/login", data={"email": "ada@gmail.com", "password": PASSWORD})
    assert response.status_code != 302  # the squatter's password no longer opens the account
