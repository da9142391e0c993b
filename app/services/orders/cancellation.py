"""Cancelling an order: who may and when, what it would refund, and doing it (a full refund
and stock put back in the same transaction)."""
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import Role
from app.models.base import utcnow
from app.models.orders import Order, OrderStatus
from app.models.shops import Shop
from app.services.messaging import notifications
from app.services.orders import refunds
from app.services.orders.history import STATUS_LABELS
from app.services.orders.status import (
    MAX_NOTE,
    InvalidTransition,
    after_commit,
    clean_text,
    find_order,
    move,
    refunded_value,
    sentences,
)


def cancel(actor, number, reason=None, now=None):
    """Cancel an order: sellers and admins while placed or packed, the buyer while placed.

    A paid order is refunded in full and its stock put back, in the same transaction.
    """
    now = now or utcnow()
    try:
        order = find_order(actor, number, lock=True)
        _check_cancellable(actor, order)
        reason = clean_text(reason, MAX_NOTE, "reason")
        taken = refunds.take_refund(order, None, restock=True, reason=reason, actor=actor,
                                    now=now, cancelling=True)
        note = sentences(f"Cancelled by {actor.who}", reason, taken.summary if taken else None)
        event = move(order, OrderStatus.CANCELLED, actor, note, now)
        if actor.role not in (Role.SELLER, Role.ADMIN):
            _tell_the_shop(order, note, actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    after_commit("workers.orders.email_status_change", event.id)
    return order


def _check_cancellable(actor, order):
    """InvalidTransition unless `actor` may cancel `order` now: sellers and admins while placed
    or packed, the buyer while placed."""
    allowed = ((OrderStatus.PLACED,) if actor.role not in (Role.SELLER, Role.ADMIN)
               else (OrderStatus.PLACED, OrderStatus.PACKED))
    if order.status not in allowed:
        when = "before it is packed" if len(allowed) == 1 else "before it ships"
        raise InvalidTransition(f"This order is {STATUS_LABELS[order.status].lower()}; "
                                f"it can only be cancelled {when}.")


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling an order would do now, for its confirmation page."""

    order: Order
    refund_cents: int  # what the cancellation pays back: everything not refunded yet


def cancellation(actor, number):
    """What `actor` cancelling order `number` would do, changing nothing; the same
    OrderNotFound / InvalidTransition as cancel() when they may not."""
    order = find_order(actor, number)
    _check_cancellable(actor, order)
    return CancelPreview(order, order.total_cents - refunded_value(order))


def _tell_the_shop(order, note, actor):
    owner_id = db.session.scalar(select(Shop.user_id).where(Shop.id == order.shop_id)) \
        if order.shop_id else None
    if owner_id:
        notifications.add_notification(owner_id, f"Order {order.number} was cancelled by the "
                                       "buyer", message=note,
                                       link=f"/seller/orders/{order.number}",
                                       creator_id=actor.user_id)
