"""JSON API tokens: short-lived JWT access tokens and rotating, reuse-detecting refresh tokens."""
import time
import uuid
from datetime import timedelta

import jwt
from flask import current_app
from sqlalchemy import select, update

from app.extensions import db
from app.models.accounts import ApiRefreshToken, User
from app.models.base import utcnow

ALGORITHM = "HS256"
ACCESS, REFRESH = "access", "refresh"


class TokenError(Exception):
    """A token was refused; `str(error)` is a message for the API client."""

    def __init__(self, message="This token is not valid."):
        super().__init__(message)


class TokenExpired(TokenError):
    def __init__(self):
        super().__init__("This token has expired.")


class TokenReused(TokenError):
    def __init__(self):
        super().__init__("This refresh token was already used; sign in again.")


class TokenUserBanned(TokenError):
    def __init__(self):
        super().__init__(
            "This account has been suspended. Contact support if you think this is a mistake."
        )


def _secret():
    return current_app.config["JWT_SECRET_KEY"]


def _new_id():
    return uuid.uuid4().hex


def _encode(claims):
    return jwt.encode(claims, _secret(), algorithm=ALGORITHM)


def _decode(token, expected_type, verify_exp=True):
    if not isinstance(token, str) or not token:
        raise TokenError()
    try:
        claims = jwt.decode(
            token, _secret(), algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "jti", "type"], "verify_exp": verify_exp},
        )
    except jwt.ExpiredSignatureError:
        raise TokenExpired() from None
    except jwt.InvalidTokenError:
        raise TokenError() from None
    sub = claims["sub"]
    if claims.get("type") != expected_type or not (sub.isascii() and sub.isdigit()):
        raise TokenError()
    return claims


def _issue_pair(user, family_id):
    """Add a refresh row for a new pair (the caller commits) and return the pair."""
    config = current_app.config
    now = int(time.time())
    access_seconds = config["JWT_ACCESS_TOKEN_SECONDS"]
    refresh_seconds = config["JWT_REFRESH_TOKEN_SECONDS"]
    access = _encode({
        "sub": str(user.id), "type": ACCESS, "iat": now, "exp": now + access_seconds,
        "jti": _new_id(), "ver": user.session_version, "role": str(user.role),
    })
    refresh_jti = _new_id()
    refresh_token = _encode({
        "sub": str(user.id), "type": REFRESH, "iat": now, "exp": now + refresh_seconds,
        "jti": refresh_jti, "fam": family_id, "ver": user.session_version,
    })
    db.session.add(ApiRefreshToken(
        jti=refresh_jti, family_id=family_id, user_id=user.id,
        expires_at=utcnow() + timedelta(seconds=refresh_seconds),
    ))
    pair = {"access_token": access, "refresh_token": refresh_token, "token_type": "Bearer",
            "expires_in": access_seconds}
    return pair, refresh_jti


def issue_tokens(user):
    """A new access + refresh pair starting a new refresh family (a sign-in)."""
    pair, _ = _issue_pair(user, _new_id())
    db.session.commit()
    return pair


def _revoke_family(family_id):
    db.session.execute(
        update(ApiRefreshToken)
        .where(ApiRefreshToken.family_id == family_id, ApiRefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _refuse(family_id, error):
    _revoke_family(family_id)
    db.session.commit()
    raise error


def refresh(token):
    """Exchange a refresh token for a new pair in the same family; reuse revokes the family."""
    claims = _decode(token, REFRESH)
    row = db.session.scalars(select(ApiRefreshToken).filter_by(jti=claims["jti"])).first()
    if row is None or row.family_id != claims.get("fam") or str(row.user_id) != claims["sub"]:
        raise TokenError()
    if row.revoked_at is not None or row.replaced_by_jti is not None:
        _refuse(row.family_id, TokenReused())
    user = db.session.get(User, row.user_id)
    if user is None or user.is_banned:
        _refuse(row.family_id, TokenUserBanned() if user else TokenError())
    if claims.get("ver") != user.session_version:
        _refuse(row.family_id, TokenError("The password changed since this sign-in; sign in "
                                          "again."))
    pair, new_jti = _issue_pair(user, row.family_id)
    # One conditional statement: of two concurrent refreshes with one token, only one wins.
    rotated = db.session.execute(
        update(ApiRefreshToken)
        .where(ApiRefreshToken.id == row.id, ApiRefreshToken.revoked_at.is_(None),
               ApiRefreshToken.replaced_by_jti.is_(None))
        .values(revoked_at=utcnow(), replaced_by_jti=new_jti)
    )
    if rotated.rowcount != 1:
        family_id = row.family_id
        db.session.rollback()
        _refuse(family_id, TokenReused())
    db.session.commit()
    return pair


def revoke(token):
    """Sign out: revoke the refresh token's whole family. Idempotent; expiry does not matter."""
    claims = _decode(token, REFRESH, verify_exp=False)
    family_id = claims.get("fam")
    if not isinstance(family_id, str):
        raise TokenError()
    _revoke_family(family_id)
    db.session.commit()


def revoke_user_tokens(user_id):
    """Revoke every live refresh token of the user ("sign out everywhere"); the caller commits."""
    db.session.execute(
        update(ApiRefreshToken)
        .where(ApiRefreshToken.user_id == user_id, ApiRefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def user_for_access_token(token):
    """The user an access token speaks for, unless banned or their password changed since."""
    claims = _decode(token, ACCESS)
    user = db.session.get(User, int(claims["sub"]))
    if user is None or claims.get("ver") != user.session_version:
        raise TokenError()
    if user.is_banned:
        raise TokenUserBanned()
    return user
