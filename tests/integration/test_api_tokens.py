"""The JSON API's tokens: sign-in, bearer authentication, rotation, reuse detection, sign-out."""
import jwt
import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models.accounts import ApiRefreshToken, User
from tests.factories import PASSWORD

TOKEN_URL, ME_URL = "/api/v1/auth/token", "/api/v1/me"
REFRESH_URL, REVOKE_URL = "/api/v1/auth/refresh", "/api/v1/auth/revoke"
FORGER_KEY = "a-guessed-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def shopper(factory):
    return factory.shopper()


def sign_in(client, user, password=PASSWORD):
    response = client.post(TOKEN_URL, json={"email": user.email, "password": password})
    assert (response.status_code, response.headers.get("Cache-Control")) == (200, "no-store")
    return response.get_json()


def me(client, token):
    return client.get(ME_URL, headers={"Authorization": f"Bearer {token}"})


def refresh(client, refresh_token):
    return client.post(REFRESH_URL, json={"refresh_token": refresh_token})


def change_user(app, user, **values):
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(**values))
        db.session.commit()


def assert_json_error(response, code):
    assert response.status_code == code
    body = response.get_json()
    assert body["error"]["code"] == code
    assert body["error"]["title"] and body["error"]["message"]
    return body["error"]["message"]


def test_valid_credentials_issue_a_bearer_token_pair(client, shopper):
    tokens = sign_in(client, shopper)
    assert (tokens["token_type"], tokens["expires_in"]) == ("Bearer", 15 * 60)
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert (claims["sub"], claims["type"], claims["role"]) == (str(shopper.id), "access", "shopper")
    assert {"exp", "iat", "jti", "ver"} <= claims.keys()


def test_wrong_password_is_401_with_the_same_message_as_an_unknown_email(client, shopper):
    wrong = client.post(TOKEN_URL, json={"email": shopper.email, "password": "not-it-12345"})
    unknown = client.post(TOKEN_URL, json={"email": "nobody@example.com", "password": PASSWORD})
    assert assert_json_error(wrong, 401) == assert_json_error(unknown, 401)
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("state", "message"), [({"banned": True}, "suspended"),
                                                ({"verified": False}, "verify")])
def test_banned_or_unverified_account_gets_403_saying_why(client, factory, state, message):
    user = factory.shopper(**state)
    response = client.post(TOKEN_URL, json={"email": user.email, "password": PASSWORD})
    assert message in assert_json_error(response, 403)


BAD_BODIES = {
    "empty object": {"json": {}},
    "missing password": {"json": {"email": "a@example.com"}},
    "a list": {"json": ["a@example.com", PASSWORD]},
    "a string": {"json": "a@example.com"},
    "number password": {"json": {"email": "a@example.com", "password": 1234567890}},
    "object email": {"json": {"email": {"$ne": ""}, "password": PASSWORD}},
    "null fields": {"json": {"email": None, "password": None}},
    "script tag email": {"json": {"email": "<script>alert(1)</script>", "password": PASSWORD}},
    "unicode not an email": {"json": {"email": "名前\u202e\u0000", "password": "пароль-😀"}},
    "10 KB email": {"json": {"email": "a" * 10_000 + "@example.com", "password": PASSWORD}},
    "10 KB password": {"json": {"email": "a@example.com", "password": "x" * 10_240}},
    "not json": {"data": "email=a@example.com&password=x",
                 "content_type": "application/x-www-form-urlencoded"},
    "broken json": {"data": '{"email": "a@example.com",', "content_type": "application/json"},
    "invalid utf-8": {"data": b'{"email": "\xff\xfe"}', "content_type": "application/json"},
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_malformed_token_request_is_a_400_json_error(client, body):
    assert_json_error(client.post(TOKEN_URL, **body), 400)


@pytest.mark.parametrize("url", [REFRESH_URL, REVOKE_URL])
@pytest.mark.parametrize("body", [{}, {"refresh_token": 42}, {"refresh_token": "x" * 10_240}])
def test_malformed_refresh_or_revoke_request_is_a_400_json_error(client, url, body):
    assert_json_error(client.post(url, json=body), 400)


def test_me_answers_with_the_user_of_an_access_token(client, shopper):
    response = me(client, sign_in(client, shopper)["access_token"])
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"id": shopper.id, "email": shopper.email,
                                   "name": shopper.name, "role": "shopper"}


def test_me_without_a_token_is_401_with_www_authenticate(client):
    response = client.get(ME_URL)
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_refuses_a_refresh_token(client, shopper):
    assert_json_error(me(client, sign_in(client, shopper)["refresh_token"]), 401)


def test_me_refuses_an_expired_access_token(make_app, shopper):
    short_lived = make_app(JWT_ACCESS_TOKEN_SECONDS=-1).test_client()
    response = me(short_lived, sign_in(short_lived, shopper)["access_token"])
    assert "expired" in assert_json_error(response, 401)


@pytest.mark.parametrize("forgery", ["tampered signature", "another key", "alg none"])
def test_me_refuses_a_forged_access_token(client, shopper, forgery):
    token = sign_in(client, shopper)["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False}) | {"role": "admin"}
    forged = {
        "tampered signature": token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"),
        "another key": jwt.encode(claims, FORGER_KEY, algorithm="HS256"),
        "alg none": jwt.encode(claims, None, algorithm="none"),
    }[forgery]
    assert_json_error(me(client, forged), 401)


def test_refresh_rotates_and_the_old_refresh_token_is_then_refused(client, shopper):
    first = sign_in(client, shopper)
    response = refresh(client, first["refresh_token"])
    assert response.status_code == 200
    second = response.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert me(client, second["access_token"]).status_code == 200
    assert_json_error(refresh(client, first["refresh_token"]), 401)


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client, shopper, in_app):
    first = sign_in(client, shopper)
    second = refresh(client, first["refresh_token"]).get_json()
    assert "already used" in assert_json_error(refresh(client, first["refresh_token"]), 401)
    assert_json_error(refresh(client, second["refresh_token"]), 401)  # the newest one too
    rows = in_app(lambda: db.session.scalars(select(ApiRefreshToken.revoked_at)).all())
    assert len(rows) == 2 and None not in rows


def test_reuse_does_not_touch_other_sign_ins_of_the_same_user(client, shopper):
    stolen = sign_in(client, shopper)
    other_device = sign_in(client, shopper)
    refresh(client, stolen["refresh_token"])
    refresh(client, stolen["refresh_token"])
    assert refresh(client, other_device["refresh_token"]).status_code == 200


def test_revoke_signs_out_and_is_idempotent(client, shopper):
    tokens = sign_in(client, shopper)
    for _ in range(2):
        response = client.post(REVOKE_URL, json={"refresh_token": tokens["refresh_token"]})
        assert response.status_code == 200
        assert response.get_json() == {"revoked": True}
    assert_json_error(refresh(client, tokens["refresh_token"]), 401)


def test_revoke_refuses_a_forged_token(client):
    forged = jwt.encode({"sub": "1", "type": "refresh", "fam": "x", "jti": "y", "iat": 1,
                         "exp": 2_000_000_000}, FORGER_KEY, algorithm="HS256")
    assert_json_error(client.post(REVOKE_URL, json={"refresh_token": forged}), 401)


def test_password_change_invalidates_access_and_refresh_tokens(app, client, shopper):
    tokens = sign_in(client, shopper)
    change_user(app, shopper, session_version=User.session_version + 1)
    assert_json_error(me(client, tokens["access_token"]), 401)
    assert_json_error(refresh(client, tokens["refresh_token"]), 401)


def test_banning_a_user_stops_their_access_and_refresh_tokens(app, client, shopper):
    tokens = sign_in(client, shopper)
    change_user(app, shopper, is_banned=True)
    assert_json_error(me(client, tokens["access_token"]), 403)
    assert_json_error(refresh(client, tokens["refresh_token"]), 403)


def test_token_endpoint_is_rate_limited_with_a_429_json_error(make_app, shopper):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute").test_client()
    body = {"email": shopper.email, "password": "not-it-12345"}
    assert [limited.post(TOKEN_URL, json=body).status_code for _ in range(3)] == [401] * 3
    assert_json_error(limited.post(TOKEN_URL, json=body), 429)
