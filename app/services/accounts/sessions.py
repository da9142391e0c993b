"""Server-side browser sessions: Flask-Login's id is "<user_id>:<key>", valid while its row is."""
import hashlib
import secrets
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, select

from app.extensions import db
from app.models.accounts import User, UserSession
from app.services.accounts import api_tokens

# users.id is a 32-bit integer on PostgreSQL; a larger id must not reach the query.
MAX_USER_ID = 2**31 - 1
USER_AGENT_LENGTH = UserSession.user_agent.type.length


class SignedInBrowser(NamedTuple):
    signed_in_at: datetime
    user_agent: str | None
    is_current: bool


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _parse(session_id):
    """(user id, key) from a Flask-Login id, or None if it cannot be one of ours."""
    user_id, _, key = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or int(user_id) > MAX_USER_ID or not key:
        return None
    return int(user_id), key


def _browser(user_agent):
    """A User-Agent string as a session row keeps it."""
    return (user_agent or "")[:USER_AGENT_LENGTH] or None


def open_session(user, user_agent=None):
    """Record a new signed-in browser for `user`; its key goes on the object for get_id()."""
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key),
                               user_agent=_browser(user_agent)))
    db.session.commit()
    user.session_key = key
    return key


def load_user_from_session_id(session_id, user_agent):
    """The user of a live session, in one query, unless banned or the session's cookie comes
    from another browser than the one it was opened in (`user_agent` differs)."""
    parsed = _parse(session_id)
    if parsed is None:
        return None
    user_id, key = parsed
    user = db.session.scalars(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key_hash == _hash(key), User.id == user_id,
               UserSession.user_agent.is_not_distinct_from(_browser(user_agent)))
    ).first()
    if user is None or user.is_banned:
        return None
    user.session_key = key
    return user


def close_session(session_id):
    """Sign one browser out for good: its session and remember cookies stop working."""
    parsed = _parse(session_id)
    if parsed is None:
        return
    user_id, key = parsed
    db.session.execute(delete(UserSession).where(UserSession.key_hash == _hash(key),
                                                 UserSession.user_id == user_id))
    db.session.commit()


def revoke_sessions(user_id):
    """Delete all of the user's browser sessions; the caller commits."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def sessions_of(user_id, current_key=None):
    """The user's signed-in browsers, newest first, marking the one holding `current_key`."""
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user_id)
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
    ).all()
    current_hash = _hash(current_key) if current_key else None
    return [SignedInBrowser(row.created_at, row.user_agent, row.key_hash == current_hash)
            for row in rows]


def sign_out_everywhere(user_id):
    """End every browser session and API sign-in of the user, this one included."""
    user = db.session.get(User, user_id)
    if user is None:
        return
    revoke_sessions(user_id)
    # API access and refresh tokens carry the version; bumping it refuses all of them.
    user.session_version = (user.session_version or 1) + 1
    api_tokens.revoke_user_tokens(user_id)
    db.session.commit()
