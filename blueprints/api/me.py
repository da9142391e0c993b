"""Bearer-token authentication for API routes, and the signed-in user's own record."""
from functools import wraps

from flask import g, jsonify, request

from app.services.accounts import api_tokens
from blueprints.api import bp
from blueprints.api.auth import api_error


def bearer_token():
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def token_required(view):
    """Run the view only for a valid access token; the user is on `g.api_user`."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        token = bearer_token()
        if token is None:
            return api_error(401, "Send an access token: Authorization: Bearer <token>.")
        try:
            g.api_user = api_tokens.user_for_access_token(token)
        except api_tokens.TokenUserBanned as error:
            return api_error(403, str(error))
        except api_tokens.TokenError as error:
            return api_error(401, str(error))
        return view(*args, **kwargs)

    return wrapped


@bp.get("/me")
@token_required
def me_show():
    user = g.api_user
    return jsonify(id=user.id, email=user.email, name=user.name, role=str(user.role))
