"""Where fulfilment's rows go: straight into the transaction, or held to the end of a batch."""
# Outside a batch (and in the embedded mode) every statement runs when fulfilment asks. Inside
# deferred() on PostgreSQL, a batch of events is decided in memory against rows the batch has
# already locked (checkouts, variants' stock, fresh ids from the sequences), and its rows are
# written at the end in one statement per table: a dozen round trips per batch instead of a
# dozen per event. The stock decrements keep their guard (`stock >= n`, row count checked), so
# a surprise raises StockRace and the drain handles the batch again event by event.
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Integer, column, delete, insert, select, text, tuple_, update, values
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models.catalog import CartItem, ProductVariant
from app.models.notifications import Notification
from app.models.orders import (
    CheckoutSession,
    CheckoutStatus,
    LedgerEntry,
    Order,
    OrderItem,
    OrderStatusEvent,
    Payment,
)

# Foreign keys point up this list, so inserting in its order never breaks one.
TABLES = (Payment.__table__, Order.__table__, OrderItem.__table__,
          OrderStatusEvent.__table__, LedgerEntry.__table__, Notification.__table__)

_batch = ContextVar("fulfilment_batch", default=None)


class StockRace(Exception):
    """A guarded decrement found less stock than the locked read promised (must not happen)."""


class Batch:
    """What a batch has locked and decided, and the rows it will write."""

    def __init__(self):
        self.rows = defaultdict(list)  # table -> [row dict]
        self.markers = set()  # event ids this batch has marked handled
        self.checkouts = {}  # provider session id -> locked CheckoutSession
        self.paid = []  # CheckoutSession ids to mark paid
        self.stock = {}  # variant id -> stock left, as this batch has decided it
        self.taken = defaultdict(int)  # variant id -> units to take at the end
        self.cart_lines = []  # (user id, variant id) to clear
        self.ids = defaultdict(list)  # table name -> ids reserved from its sequence

    def flush(self):
        """Write everything held, in foreign-key order; StockRace if stock ran short."""
        for table in TABLES:
            if self.rows[table]:
                db.session.execute(insert(table), self.rows[table])
        if self.paid:
            db.session.execute(update(CheckoutSession.__table__).where(
                CheckoutSession.__table__.c.id.in_(sorted(self.paid))).values(
                status=CheckoutStatus.PAID))
        if self.taken:
            _take_many(dict(self.taken))
        if self.cart_lines:
            db.session.execute(delete(CartItem).where(tuple_(
                CartItem.user_id, CartItem.variant_id).in_(sorted(set(self.cart_lines))))
                .execution_options(synchronize_session=False))


@contextmanager
def deferred():
    """Hold fulfilment's writes for a batch (PostgreSQL only); the caller flushes the Batch."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield None
        return
    batch = Batch()
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)


def current():
    return _batch.get()


def add(table, rows):
    """Insert `rows` into `table` now, or at the end of the batch."""
    if not rows:
        return
    batch = _batch.get()
    if batch is None:
        db.session.execute(insert(table), rows)
    else:
        batch.rows[table].extend(rows)


def reserve_ids(table_name, count):
    """`count` fresh primary keys of `table_name` from its PostgreSQL sequence, in order.

    Inside a batch they come from a pool filled once per batch (prefill), so most events
    cost no round trip for their ids.
    """
    batch = _batch.get()
    pool = batch.ids[table_name] if batch is not None else []
    if len(pool) < count:
        pool.extend(_nextvals(table_name, count - len(pool)))
    taken, pool[:] = pool[:count], pool[count:]
    return taken


def prefill_ids(table_name, count):
    batch = _batch.get()
    if batch is not None and count > 0:
        batch.ids[table_name].extend(_nextvals(table_name, count))


def _nextvals(table_name, count):
    return sorted(db.session.scalars(text(
        f"SELECT nextval(pg_get_serial_sequence('{table_name}', 'id')) "
        "FROM generate_series(1, :n)"), {"n": count}))


def mark_paid(checkout):
    """The checkout session is paid: now, or with the batch (and at once in memory)."""
    batch = _batch.get()
    if batch is None:
        db.session.execute(update(CheckoutSession.__table__).where(
            CheckoutSession.__table__.c.id == checkout.id).values(status=CheckoutStatus.PAID))
    else:
        batch.paid.append(checkout.id)
        set_committed_value(checkout, "status", CheckoutStatus.PAID)


def clear_cart_lines(user_id, variant_ids):
    batch = _batch.get()
    if batch is None:
        db.session.execute(delete(CartItem).where(CartItem.user_id == user_id,
                                                  CartItem.variant_id.in_(variant_ids)))
    else:
        batch.cart_lines.extend((user_id, variant_id) for variant_id in variant_ids)


def _take_many(taken):
    """One guarded UPDATE ... FROM (VALUES ...) for the batch's decrements."""
    table = ProductVariant.__table__
    wanted = values(column("id", Integer), column("n", Integer), name="wanted").data(
        sorted(taken.items()))
    result = db.session.execute(update(table).where(
        table.c.id == wanted.c.id, table.c.stock >= wanted.c.n).values(
        stock=table.c.stock - wanted.c.n))
    if result.rowcount != len(taken):
        raise StockRace(f"{len(taken) - result.rowcount} variant(s) had less stock than locked")


def locked_stock(variant_ids):
    """{variant id: stock} for the batch's prelocked variants, or None outside a batch."""
    batch = _batch.get()
    if batch is None:
        return None
    missing = sorted(set(variant_ids) - batch.stock.keys())
    if missing:
        batch.stock.update(db.session.execute(
            select(ProductVariant.id, ProductVariant.stock).where(
                ProductVariant.id.in_(missing)).order_by(ProductVariant.id)
            .with_for_update()).all())
    return {vid: batch.stock[vid] for vid in variant_ids if vid in batch.stock}
