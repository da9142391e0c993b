"""A session's signed CSRF token is reused for a minute rather than signed on every page.

Flask-WTF keeps the raw token in the session and signs it (an HMAC, a timestamp, zlib and
base64) the first time a request asks, about a tenth of a millisecond of every page. The
signature only proves the token was ours when it was signed, so a recent one serves as well.
"""
import threading
import time

from flask import current_app, g, session

REUSE_SECONDS = 60
MAX_SESSIONS = 20_000  # bounds memory (about 200 bytes each): forgotten all at once when full


def forget_request_token():
    """After session.clear(): a page rendered later in this request signs the new session's
    token, not the one cleared away."""
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    g.pop("csrf_token_reused", None)


def register(app):
    signed = {}  # (raw token, secret) -> (signed at, signed token)
    lock = threading.Lock()

    def reuse_seconds():
        limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
        # A token must stay valid as long as a page may sit open before its form is sent.
        return REUSE_SECONDS if limit is None else min(REUSE_SECONDS, limit // 10)

    def session_key():
        field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        raw = session.get(field) if session else None  # no cookie, no token: nothing to do
        if not isinstance(raw, str):
            return field, None
        return field, (raw, current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)

    @app.before_request
    def reuse_signed_csrf_token():
        field, key = session_key()
        g.csrf_session_key = key
        found = signed.get(key) if key else None
        if found is not None and time.monotonic() - found[0] < reuse_seconds():
            setattr(g, field, found[1])  # where Flask-WTF looks before signing
            g.csrf_token_reused = True

    @app.after_request
    def remember_signed_csrf_token(response):
        field, key = session_key()
        token = g.get(field)
        # Only a token signed for the session's token as it is now: one the request replaced
        # (a sign-in or sign-out starting a new session) is not remembered for the new one.
        unchanged = g.get("csrf_session_key") in (None, key)
        if key and token and unchanged and not g.get("csrf_token_reused"):
            with lock:
                if len(signed) >= MAX_SESSIONS:
                    signed.clear()
                signed[key] = (time.monotonic(), token)
        return response
