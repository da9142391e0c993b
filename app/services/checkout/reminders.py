"""Abandoned checkout: one reminder email for a payment session left unpaid for a day.

A session qualifies when it is still open 24 h after it was opened (and not older than a
week: nobody wants a reminder of last month's cart), its shopper is not banned, has not
ordered since it was opened (through it or another session) and still has a cart. The
reminder is claimed with a guarded UPDATE on reminder_sent_at, committed before the email
is queued, so overlapping sweeps send it once.
"""
import logging
from datetime import timedelta

from sqlalchemy import exists, or_, select, update

from app import mail
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.catalog import CartItem
from app.models.orders import CheckoutSession, CheckoutStatus, Order

log = logging.getLogger(__name__)

AFTER = timedelta(hours=24)
NOT_OLDER_THAN = timedelta(days=7)
BATCH = 200


def due_sessions(now=None, limit=BATCH):
    """Ids of the sessions that should get their reminder now, oldest first."""
    now = now or utcnow()
    ordered_since = exists().where(
        Order.user_id == CheckoutSession.user_id,
        or_(Order.checkout_session_id == CheckoutSession.provider_session_id,
            Order.placed_at >= CheckoutSession.created_at))
    has_cart = exists().where(CartItem.user_id == CheckoutSession.user_id)
    query = (select(CheckoutSession.id)
             .join(User, User.id == CheckoutSession.user_id)
             .where(CheckoutSession.status == CheckoutStatus.OPEN,
                    CheckoutSession.reminder_sent_at.is_(None),
                    CheckoutSession.created_at <= now - AFTER,
                    CheckoutSession.created_at > now - NOT_OLDER_THAN,
                    User.is_banned.is_(False), ~ordered_since, has_cart)
             .order_by(CheckoutSession.created_at, CheckoutSession.id).limit(limit))
    return list(db.session.scalars(query))


def _claim(session_id, now):
    """Mark the reminder sent unless another sweep did; True when this one may send it."""
    result = db.session.execute(
        update(CheckoutSession)
        .where(CheckoutSession.id == session_id, CheckoutSession.reminder_sent_at.is_(None),
               CheckoutSession.status == CheckoutStatus.OPEN)
        .values(reminder_sent_at=now).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _items(snapshot):
    """[[title, quantity], ...] from a checkout snapshot, tolerant of older shapes."""
    items = []
    for shop in (snapshot or {}).get("shops", []) if isinstance(snapshot, dict) else []:
        for line in shop.get("lines", []) if isinstance(shop, dict) else []:
            if isinstance(line, dict) and line.get("title"):
                items.append([str(line["title"])[:200], int(line.get("quantity") or 1)])
    return items[:20]


def send_due(now=None):
    """Send every due reminder (the periodic sweep); returns how many were sent."""
    now = now or utcnow()
    sent = 0
    while True:
        batch = due_sessions(now)
        if not batch:
            return sent
        for session_id in batch:
            if not _claim(session_id, now):
                continue  # another sweep took it
            try:
                _send(session_id)
            except Exception:  # claimed: at most once, never twice
                log.exception("checkout reminder for session %s lost", session_id)
                continue
            sent += 1


def _send(session_id):
    session = db.session.get(CheckoutSession, session_id)
    user = db.session.get(User, session.user_id)
    mail.send_email(user.email, "You left something in your cart", "checkout_reminder",
                    name=user.name, items=_items(session.snapshot),
                    amount_cents=session.amount_cents, currency=session.currency,
                    cart_path="/cart")
    log.info("checkout reminder sent for session %s", session_id)
