"""Stock taken when a payment arrives: rows locked in id order, guarded decrements, alerts."""
# PostgreSQL: the variant rows of a checkout are locked with SELECT ... FOR UPDATE in id order
# (so two checkouts sharing variants queue up instead of deadlocking), then each line is a
# guarded `UPDATE ... SET stock = stock - n WHERE id = :id AND stock >= n`. SQLite has one
# writer, and the fulfilment transaction has already written, so the same statements are safe
# there without row locks. The CHECK (stock >= 0) on the table is the last line of defence.
from sqlalchemy import select, update

from app.extensions import db
from app.models.catalog import ProductVariant
from app.services.orders.fulfilment import writes
from app.services.orders.fulfilment.writes import StockRace  # noqa: F401 - raised from here too


def lock(variant_ids):
    """{variant_id: stock} of the variants that still exist, locked until the commit.

    Inside a deferred batch: the stock as the batch has left it (its rows are locked already).
    """
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    held = writes.locked_stock(ids)
    if held is not None:
        return held
    rows = db.session.execute(
        select(ProductVariant.id, ProductVariant.stock)
        .where(ProductVariant.id.in_(ids))
        .order_by(ProductVariant.id)
        .with_for_update())
    return dict(rows.all())


def take(variant_id, quantity):
    """Decrement one variant's stock if at least `quantity` is left; True when taken."""
    result = db.session.execute(
        update(ProductVariant)
        .where(ProductVariant.id == variant_id, ProductVariant.stock >= quantity)
        .values(stock=ProductVariant.stock - quantity)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def take_all(needs):
    """Decrement every (variant_id, quantity) or raise StockRace (the caller rolls back).

    Inside a deferred batch the decrements are summed and written, still guarded, at its end.
    """
    batch = writes.current()
    if batch is not None:
        for variant_id, quantity in sorted(needs.items()):
            if batch.stock.get(variant_id, 0) < quantity:
                raise StockRace(f"variant {variant_id}: fewer than {quantity} left")
        for variant_id, quantity in needs.items():
            batch.stock[variant_id] -= quantity
            batch.taken[variant_id] += quantity
        return
    for variant_id, quantity in sorted(needs.items()):
        if not take(variant_id, quantity):
            raise StockRace(f"variant {variant_id}: fewer than {quantity} left after locking")


def shortfalls(needs, available):
    """The variant ids of `needs` ({id: quantity}) that `available` cannot cover."""
    return [vid for vid, quantity in sorted(needs.items()) if available.get(vid, 0) < quantity]


def crossed(before, after, threshold):
    """True when a sale took stock from above the low-stock threshold to at or below it."""
    return threshold is not None and before > threshold >= after
