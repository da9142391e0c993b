"""Starting and ending a signed-in browser session."""
from flask import request, session
from flask_login import current_user, login_user, logout_user

from app.csrf_tokens import forget_request_token
from app.services.accounts import sessions
from app.services.accounts.registration import record_login
from blueprints.cart.context import merge_guest_session


def start_session(user, remember=False):
    # A fresh session on every sign-in: nothing planted before login survives it.
    # The guest cart, wishlist and discount code carry over (the cart merges into the account).
    kept = ("guest_cart", "guest_wishlist", "coupon", "visitor")
    preserved = {k: session[k] for k in kept if k in session}
    session.clear()
    forget_request_token()
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
    forget_request_token()
    if forget_remember_cookie:
        session["_remember"] = "clear"
