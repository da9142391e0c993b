"""One payment session per cart: reused while unchanged, replaced when not, dropped expired."""
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from redis.exceptions import RedisError
from sqlalchemy import delete, select

from app.extensions import db, jobs
from app.models.accounts import User
from app.models.base import utcnow
from app.models.catalog import CartItem
from app.models.orders import CheckoutSession, CheckoutStatus, Order
from app.services.checkout import quote
from app.services.payments import ProviderError, get_provider

log = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=1)  # Stripe accepts 30 minutes to 24 hours
REUSE_MARGIN = timedelta(minutes=5)  # time left to pay, or a fresh session is opened
POINTER_KEY = "bazaar:checkout:open:{user_id}"


def now():
    """The clock this module reads; tests move time by replacing it."""
    return utcnow()


@dataclass
class Opened:
    session: CheckoutSession
    reused: bool


def _redis():
    return jobs.redis


def _pointer(user_id):
    return POINTER_KEY.format(user_id=user_id)


def _current(user_id):
    """The session the shopper would reuse: the one Redis points at (a key whose TTL is the
    session's expiry) when configured, else the newest open row. Rows are the record."""
    redis = _redis()
    if redis is not None:
        try:
            session_id = redis.get(_pointer(user_id))
        except RedisError:
            log.warning("redis unavailable: looking up the open checkout in the database")
        else:
            if session_id is None:
                return None
            return db.session.scalar(select(CheckoutSession).where(
                CheckoutSession.provider_session_id == session_id.decode(),
                CheckoutSession.user_id == user_id))
    return db.session.scalars(
        select(CheckoutSession)
        .where(CheckoutSession.user_id == user_id, CheckoutSession.status == CheckoutStatus.OPEN)
        .order_by(CheckoutSession.created_at.desc(), CheckoutSession.id.desc())).first()


def _remember(row, moment):
    redis = _redis()
    if redis is None:
        return
    seconds = int((row.expires_at - moment).total_seconds())
    try:
        if seconds > 0:
            redis.set(_pointer(row.user_id), row.provider_session_id, ex=seconds)
        else:
            redis.delete(_pointer(row.user_id))
    except RedisError:
        log.warning("redis unavailable: checkout pointer of user %s not saved", row.user_id)


def _reusable(row, fingerprint, snapshot, provider, moment):
    return (row is not None and row.provider == provider.kind
            and row.is_reusable(fingerprint, moment + REUSE_MARGIN)
            and row.amount_cents == snapshot["amount_cents"] and row.snapshot == snapshot)


def _retire_open(user_id, provider, moment):
    """Expired open sessions are discarded; live ones are closed at the provider and replaced.
    Returns {row id: new status} so the change can be written again after a rollback."""
    changes = {}
    rows = db.session.scalars(select(CheckoutSession).where(
        CheckoutSession.user_id == user_id, CheckoutSession.status == CheckoutStatus.OPEN))
    for row in rows:
        if row.expires_at <= moment:
            row.status = CheckoutStatus.EXPIRED
        else:
            try:
                provider.expire_session(row.provider_session_id)
            except ProviderError:  # already paid or expired there: the webhook decides
                log.warning("could not expire checkout session %s", row.provider_session_id)
            row.status = CheckoutStatus.REPLACED
        changes[row.id] = row.status
    return changes


def open_session(*, user_id, address_id, snapshot, success_url, cancel_url, provider=None):
    """The open payment session for this cart: reused if unchanged, else a new one. Commits.

    Raises ProviderError (message for the shopper) when the provider cannot open one.
    """
    provider = provider or get_provider()
    moment = now()
    fingerprint = quote.fingerprint(snapshot, address_id)
    # One shopper, one decision at a time (a row lock on PostgreSQL; SQLite has one writer).
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())
    current = _current(user_id)
    if _reusable(current, fingerprint, snapshot, provider, moment):
        db.session.commit()
        return Opened(current, reused=True)
    changes = _retire_open(user_id, provider, moment)
    reference = "bzc_" + secrets.token_hex(12)
    expires_at = (moment + SESSION_LIFETIME).replace(microsecond=0)
    try:
        opened = provider.create_session(
            reference=reference, amount_cents=snapshot["amount_cents"],
            currency=snapshot["currency"], customer_email=snapshot["email"],
            line_items=quote.line_items(snapshot), shop_splits=quote.shop_splits(snapshot),
            success_url=success_url, cancel_url=cancel_url, expires_at=expires_at)
    except ProviderError:
        db.session.rollback()
        _write_statuses(changes)
        raise
    row = CheckoutSession(
        user_id=user_id, provider=provider.kind, provider_session_id=opened.id,
        cart_fingerprint=fingerprint, amount_cents=snapshot["amount_cents"],
        currency=snapshot["currency"], status=CheckoutStatus.OPEN, url=opened.url,
        snapshot=snapshot, expires_at=opened.expires_at)
    db.session.add(row)
    db.session.commit()
    _remember(row, moment)
    return Opened(row, reused=False)


def _write_statuses(changes):
    for row_id, status in changes.items():
        row = db.session.get(CheckoutSession, row_id)
        if row is not None and row.status == CheckoutStatus.OPEN:
            row.status = status
    db.session.commit()


def for_user(user_id, provider_session_id):
    """The shopper's own checkout session by provider id, or None (someone else's too)."""
    if not provider_session_id or len(provider_session_id) > 255:
        return None
    return db.session.scalar(select(CheckoutSession).where(
        CheckoutSession.provider_session_id == provider_session_id,
        CheckoutSession.user_id == user_id))


def orders_for(row):
    """The orders the webhook created for a checkout session (none until it has run)."""
    return db.session.scalars(
        select(Order).where(Order.checkout_session_id == row.provider_session_id,
                            Order.user_id == row.user_id).order_by(Order.id)).all()


def clear_purchased(row):
    """Take what this session bought out of the shopper's cart, once its orders exist.

    Deleting those lines (not lowering quantities) makes this safe to repeat, and safe
    alongside fulfilment clearing the cart too. Returns the orders (empty: nothing cleared).
    """
    orders = orders_for(row)
    if not orders:
        return orders
    variant_ids = {line["variant_id"] for shop in (row.snapshot or {}).get("shops", [])
                   for line in shop["lines"]}
    if variant_ids:
        db.session.execute(delete(CartItem).where(CartItem.user_id == row.user_id,
                                                  CartItem.variant_id.in_(variant_ids)))
        db.session.commit()
    redis = _redis()
    if redis is not None:
        try:
            if redis.get(_pointer(row.user_id)) == row.provider_session_id.encode():
                redis.delete(_pointer(row.user_id))
        except RedisError:
            pass
    return orders
