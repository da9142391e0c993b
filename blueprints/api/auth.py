"""API sign-in: exchange credentials for tokens, rotate refresh tokens, sign out."""
from flask import current_app, jsonify, request

from app.extensions import limiter
from app.services.accounts import api_tokens, registration
from app.services.accounts.email_addresses import InvalidEmail, checked_email
from blueprints.api import bp
from blueprints.web.errors import render_error

FIELD_LIMITS = {"email": 254, "password": 128, "refresh_token": 4096}


class BadBody(Exception):
    """The request body is not the JSON object this endpoint expects."""


def api_error(code, message):
    """A JSON error shaped like blueprints.web.errors.render_error; 401s carry WWW-Authenticate."""
    if code != 401:
        return render_error(code, message)
    response = jsonify(error={"code": 401, "title": "Not signed in", "message": message})
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response, 401


def json_fields(*names):
    """The named string fields of a JSON object body, or BadBody saying what is wrong."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadBody(f"Send a JSON object with {', '.join(names)} (Content-Type: "
                      "application/json).")
    values = {}
    for name in names:
        value = data.get(name)
        if value is None or value == "":
            raise BadBody(f"The field {name} is required.")
        if not isinstance(value, str):
            raise BadBody(f"The field {name} must be a string.")
        if len(value) > FIELD_LIMITS[name]:
            raise BadBody(f"The field {name} is at most {FIELD_LIMITS[name]} characters.")
        values[name] = value
    return values


def tokens_response(pair):
    response = jsonify(pair)
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 5.1: never cache tokens
    return response


def _login_limit():
    return current_app.config["RATELIMIT_LOGIN"]


def _email_key():
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    email = registration.normalise_email(email if isinstance(email, str) else "")
    return "api-email:" + email[:254]


@bp.post("/auth/token")
@limiter.limit(_login_limit)
@limiter.limit("30 per hour", key_func=_email_key)
def auth_token():
    try:
        fields = json_fields("email", "password")
        checked_email(fields["email"])
    except BadBody as error:
        return api_error(400, str(error))
    except InvalidEmail:
        return api_error(400, "The field email must be a valid email address.")
    try:
        user = registration.authenticate(fields["email"], fields["password"])
    except registration.InvalidCredentials as error:
        return api_error(401, str(error))
    except registration.AccountError as error:  # banned or not verified: a state they may know
        return api_error(403, str(error))
    registration.record_login(user)
    return tokens_response(api_tokens.issue_tokens(user))


@bp.post("/auth/refresh")
@limiter.limit(_login_limit)
def auth_refresh():
    try:
        token = json_fields("refresh_token")["refresh_token"]
    except BadBody as error:
        return api_error(400, str(error))
    try:
        return tokens_response(api_tokens.refresh(token))
    except api_tokens.TokenUserBanned as error:
        return api_error(403, str(error))
    except api_tokens.TokenError as error:
        return api_error(401, str(error))


@bp.post("/auth/revoke")
def auth_revoke():
    try:
        token = json_fields("refresh_token")["refresh_token"]
    except BadBody as error:
        return api_error(400, str(error))
    try:
        api_tokens.revoke(token)
    except api_tokens.TokenError as error:
        return api_error(401, str(error))
    return jsonify(revoked=True)
