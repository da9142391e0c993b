"""Records engagement analytics for the current request (who, which device, which country)."""
import secrets

from flask import request, session
from flask_login import current_user

from app.services.analytics import events

VISITOR_KEY = "visitor"


def visitor_key():
    """A random id per browser session, so unique visitors are counted without accounts."""
    if VISITOR_KEY not in session:
        session[VISITOR_KEY] = secrets.token_hex(16)
    return session[VISITOR_KEY]


def track(kind, *, product_id=None, shop_id=None, quantity=1, amount_cents=0):
    events.record(
        kind,
        user_id=current_user.id if current_user.is_authenticated else None,
        visitor_key=visitor_key(),
        product_id=product_id,
        shop_id=shop_id,
        quantity=quantity,
        amount_cents=amount_cents,
        user_agent=request.headers.get("User-Agent"),
        # Set by a CDN or nginx geoip module in production; absent locally.
        country=request.headers.get("CF-IPCountry") or request.headers.get("X-Country-Code"),
    )
