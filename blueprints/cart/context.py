"""Whose cart and wishlist this request uses, and the header counts every page may show."""
import logging

from flask import flash, g, session
from flask_login import current_user
from werkzeug.local import LocalProxy

from app.extensions import db
from app.models.accounts import Role
from app.services.shopping import cart as carts
from app.services.shopping import wishlist as wishlists

log = logging.getLogger(__name__)

GUEST_CART = "guest_cart"
GUEST_WISHLIST = "guest_wishlist"
COUPON = "coupon"
NOT_A_SHOPPER = ("Carts and wishlists are for shopper accounts. Log out to shop as a guest, "
                 "or sign in with a shopper account.")


def can_shop():
    """Guests and shoppers have carts; sellers and admins do not (they cannot buy)."""
    return not current_user.is_authenticated or current_user.role == Role.SHOPPER


def current_cart():
    if current_user.is_authenticated:
        return carts.UserCart(current_user.id)
    return carts.GuestCart(session.get(GUEST_CART))


def current_wishlist():
    if current_user.is_authenticated:
        return wishlists.UserWishlist(current_user.id)
    return wishlists.GuestWishlist(session.get(GUEST_WISHLIST))


def keep(store):
    """Write a guest's cart or wishlist back into the session; rows save themselves."""
    if isinstance(store, carts.GuestCart):
        session[GUEST_CART] = store.data
    elif isinstance(store, wishlists.GuestWishlist):
        session[GUEST_WISHLIST] = store.data
    g.pop("header_counts", None)  # recount if this response shows the header


def merge_guest_session(user):
    """At sign-in: move the guest cart and wishlist into a shopper's rows, then drop the
    session copies. Sellers and admins have no cart, so theirs are simply dropped."""
    guest_cart, guest_wishlist = session.pop(GUEST_CART, None), session.pop(GUEST_WISHLIST, None)
    if user.role != Role.SHOPPER or not (guest_cart or guest_wishlist):
        return
    try:
        _, trimmed = carts.merge_guest_cart(user.id, guest_cart)
        wishlists.merge_guest_wishlist(user.id, guest_wishlist)
    except Exception:  # a failed merge must never fail the sign-in; try again next time
        db.session.rollback()
        log.exception("guest cart merge failed for user %s", user.id)
        session[GUEST_CART], session[GUEST_WISHLIST] = guest_cart, guest_wishlist
        return
    if trimmed:
        names = ", ".join(trimmed[:3]) + (" and more" if len(trimmed) > 3 else "")
        flash(f"We added your guest cart to your cart, but not everything fitted the stock: "
              f"{names}. Check the quantities in your cart.", "warning")


def header_counts():
    """(items in the cart, items on the wishlist), worked out once per request."""
    if "header_counts" not in g:
        if not current_user.is_authenticated:
            g.header_counts = (sum(carts.GuestCart(session.get(GUEST_CART)).data.values()),
                               len(wishlists.GuestWishlist(session.get(GUEST_WISHLIST)).entries()))
        elif current_user.role != Role.SHOPPER:
            g.header_counts = (0, 0)
        else:
            g.header_counts = carts.header_counts(current_user.id)
    return g.header_counts


def register(bp):
    @bp.app_context_processor
    def cart_header_counts():
        # Lazy: nothing is read (no session, no query) unless a template prints the value.
        return {
            "cart_count": LocalProxy(lambda: header_counts()[0]),
            "wishlist_count": LocalProxy(lambda: header_counts()[1]),
        }
