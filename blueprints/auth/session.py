"""Starting and ending a signed-in browser session."""
from flask import session
from flask_login import login_user, logout_user

from app.csrf_tokens import forget_request_token
from app.services.accounts import record_login
from blueprints.cart.context import merge_guest_session


def start_session(user, remember=False):
    # A fresh session on every sign-in: nothing planted before login survives it.
    # The guest cart, wishlist and discount code carry over (the cart merges into the account).
    kept = ("guest_cart", "guest_wishlist", "coupon", "visitor")
    preserved = {k: session[k] for k in kept if k in session}
    session.clear()
    forget_request_token()
    session.update(preserved)
    login_user(user, remember=remember)
    record_login(user)
    merge_guest_session(user)


def end_session():
    logout_user()
    # logout_user() marks a "remember me" cookie for deletion in the session; keep that mark,
    # or the cookie survives and signs the person straight back in.
    forget_remember_cookie = session.get("_remember") == "clear"
    session.clear()
    forget_request_token()
    if forget_remember_cookie:
        session["_remember"] = "clear"
