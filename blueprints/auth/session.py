"""Starting, loading and ending a signed-in browser session."""
from flask import current_app, g, request, session
from flask_login import current_user, login_user, logout_user

from app.services.accounts import sessions
from app.services.accounts.registration import record_login
from blueprints.cart.context import merge_guest_session


def load_signed_in_user(session_id):
    """Flask-Login's user_loader (session and remember cookies alike): the user of a live
    session, only in the browser it was opened in, so a copied cookie signs nobody in
    elsewhere. A browser whose User-Agent changes (an update) signs in again."""
    return sessions.load_user_from_session_id(session_id, request.user_agent.string)


def start_session(user, remember=False):
    # A fresh session on every sign-in: nothing planted before login survives it.
    # The guest cart, wishlist and discount code carry over (the cart merges into the account).
    kept = ("guest_cart", "guest_wishlist", "coupon", "visitor")
    preserved = {k: session[k] for k in kept if k in session}
    session.clear()
    forget_signed_csrf_token()
    session.update(preserved)
    # A server-side record per sign-in: its key is in both cookies, so deleting the row ends
    # the session and the remember cookie, wherever copies of them are.
    sessions.open_session(user, request.user_agent.string)
    login_user(user, remember=remember)
    record_login(user)
    merge_guest_session(user)


def end_session():
    if current_user.is_authenticated:
        sessions.close_session(current_user.get_id())
    logout_user()
    # logout_user() marks a "remember me" cookie for deletion in the session; keep that mark,
    # or the cookie survives and signs the person straight back in.
    forget_remember_cookie = session.get("_remember") == "clear"
    session.clear()
    forget_signed_csrf_token()
    if forget_remember_cookie:
        session["_remember"] = "clear"


def forget_signed_csrf_token():
    """After session.clear(): Flask-WTF signs a request's CSRF token once and keeps it in g,
    so a page rendered later in this request would carry the cleared session's token."""
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
