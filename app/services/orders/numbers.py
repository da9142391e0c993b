"""Order numbers: "BZ" + yymm + "-" + the order's own id, zero-padded to six digits."""
# The demo data numbers its orders the same way (BZ2611-000123 is order 123), so a number built
# from a fresh primary key can never collide with a seeded one, and concurrent checkouts never
# wait for each other: there is no "max + 1" to fight over. The unique constraint on
# orders.number stays the guard; a collision would fail the transaction and the job's retry
# takes a new id.
from sqlalchemy import func, select

from app.extensions import db
from app.models.base import utcnow
from app.models.orders import Order
from app.services.orders.fulfilment import writes

PREFIX = "BZ"


def format_number(order_id, when=None):
    """The number of order `order_id` placed at `when` (default now): BZ2611-000123."""
    when = when or utcnow()
    return f"{PREFIX}{when:%y%m}-{order_id:06d}"


def reserve(count=1, when=None):
    """[(order_id, number)] * count: primary keys nobody else will get, with their numbers.

    PostgreSQL: the orders id sequence (never handed out twice, even across transactions),
    one statement for all. SQLite: max(id) + 1, 2, ..., safe because SQLite has one writer
    and the caller's transaction has already written; insert them before reserving more.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        ids = writes.reserve_ids("orders", count)
    else:
        top = db.session.scalar(select(func.max(Order.id))) or 0
        ids = list(range(top + 1, top + 1 + count))
    return [(order_id, format_number(order_id, when)) for order_id in sorted(ids)]
