"""Where to send people after they sign in, without open redirects."""
from urllib.parse import urlsplit

from flask import url_for


def safe_next(target):
    """`target` if it is a path on this site, else None."""
    if not target or not isinstance(target, str):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def landing_for(user, next_url=None):
    """The page a user lands on after signing in."""
    if user.is_admin:
        return safe_next(next_url) or url_for("admin.dashboard")
    if user.is_seller:
        return safe_next(next_url) or url_for("seller.dashboard")
    return safe_next(next_url) or url_for("storefront.home")
