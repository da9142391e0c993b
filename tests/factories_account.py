"""Account factories: orders with items and a status history, notifications, addresses, follows."""
import itertools
from datetime import timedelta

from app.extensions import db
from app.models.accounts import Address
from app.models.base import utcnow
from app.models.notifications import Notification
from app.models.orders import ORDER_FLOW, Order, OrderItem, OrderStatus, OrderStatusEvent
from app.models.shops import ShopFollower
from tests.factories import _detached

_seq = itertools.count(1)

ADDRESS = {"full_name": "Ada Lovelace", "line1": "12 Analytical Row", "city": "London",
           "postal_code": "SW1A 1AA", "country": "GB"}


def _path_to(status):
    """The statuses an order went through to end at `status`."""
    status = OrderStatus(status)
    if status in ORDER_FLOW:
        return list(ORDER_FLOW[:ORDER_FLOW.index(status) + 1])
    if status == OrderStatus.CANCELLED:
        return [OrderStatus.PLACED, OrderStatus.CANCELLED]
    return [*ORDER_FLOW, OrderStatus.REFUNDED]


def create_order(app, user, shop, items=None, *, status=OrderStatus.PLACED, placed_at=None,
                 number=None, shipping_cents=500, tax_cents=0, discount_cents=0,
                 tracking_number=None, currency="USD", events=True, notes=None):
    """A paid order of `user` at `shop`; returns it detached with items and status events.

    items: [(title, unit_price_cents, quantity)], optionally followed by color, size and a
    line total (default unit x quantity); default one line.
    Each status on the way to `status` gets its timestamp (an hour apart) and, with `events`,
    an OrderStatusEvent carrying notes[status] if given.
    """
    n = next(_seq)
    placed_at = placed_at or utcnow() - timedelta(days=1)
    lines = items if items is not None else [("Linen tote bag", 2500, 1)]
    with app.app_context():
        order = Order(
            number=number or f"BZ-T{n:06d}", user_id=user.id if user else None,
            shop_id=shop.id if shop else None, shop_name=shop.name if shop else "Closed shop",
            checkout_session_id=f"cs_test_{n}", status=OrderStatus(status),
            discount_cents=discount_cents, shipping_cents=shipping_cents, tax_cents=tax_cents,
            subtotal_cents=0, total_cents=0, currency=currency, ship_name="Ada Lovelace",
            ship_line1="12 Analytical Row", ship_line2="Flat 3", ship_city="London",
            ship_region="Greater London", ship_postal_code="SW1A 1AA", ship_country="GB",
            ship_phone="+44 20 7946 0000", tracking_number=tracking_number,
            placed_at=placed_at, created_at=placed_at, updated_at=placed_at,
        )
        subtotal = 0
        for k, (title, unit, quantity, *variant) in enumerate(lines):
            color, size, line_total = (variant + [None, None, None])[:3]
            line_total = unit * quantity if line_total is None else line_total
            subtotal += line_total
            order.items.append(OrderItem(title=title, sku=f"SKU-O{n}-{k}", color=color,
                                         size=size, unit_price_cents=unit, quantity=quantity,
                                         line_total_cents=line_total))
        order.subtotal_cents = subtotal
        order.total_cents = subtotal - discount_cents + shipping_cents + tax_cents
        for step, state in enumerate(_path_to(status)):
            when = placed_at + timedelta(hours=step)
            setattr(order, f"{state.value}_at", when)
            if events:
                order.status_events.append(OrderStatusEvent(
                    status=state, created_at=when, note=(notes or {}).get(state)))
        db.session.add(order)
        db.session.commit()
        db.session.refresh(order)
        order.items, order.status_events  # noqa: B018 - load before detaching
        db.session.expunge_all()
        return order


def create_notification(app, user, title="Your order shipped", message=None, link=None,
                        is_read=False, created_at=None):
    with app.app_context():
        notification = Notification(receiver_id=user.id, title=title, message=message,
                                    link=link, is_read=is_read,
                                    read_at=utcnow() if is_read else None,
                                    created_at=created_at or utcnow())
        db.session.add(notification)
        db.session.commit()
        return _detached(notification)


def create_address(app, user, is_default=False, created_at=None, **fields):
    """An address row written directly (the service's rules are not applied)."""
    with app.app_context():
        address = Address(user_id=user.id, is_default=is_default, **{**ADDRESS, **fields})
        if created_at is not None:
            address.created_at = address.updated_at = created_at
        db.session.add(address)
        db.session.commit()
        return _detached(address)


def follow(app, user, shop, created_at=None):
    with app.app_context():
        db.session.add(ShopFollower(shop_id=shop.id, user_id=user.id,
                                    created_at=created_at or utcnow()))
        db.session.commit()


def address_form(**changes):
    """Valid address form data, with `changes` applied."""
    return {**ADDRESS, "line2": "", "region": "", "phone": "", "label": "", **changes}
