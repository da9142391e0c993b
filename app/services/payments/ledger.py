"""The sellers' ledger: append-only money rows per shop, with balances and statements."""
# Credits to the shop are positive, debits negative. A sale is a `charge` (+order total) and a
# `platform_fee` (-fee); a payout to the shop's connected account is a `payout` (-amount sent);
# a refund is a `refund` (-amount returned to the buyer) and a `refund_reversal` (+the part of
# the platform fee given back). Rows are never updated or deleted: corrections are new rows
# (`adjustment`). Rows with shop_id NULL are the platform's own (a payment that could not be
# turned into orders and was refunded whole). The helpers here add rows to the caller's
# transaction; the calling service commits.
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, insert, select

from app.extensions import db
from app.models.base import utcnow
from app.models.orders import LedgerEntry, LedgerKind, Order


def entry(kind, amount_cents, *, shop_id, order_id=None, payment_id=None, currency="USD",
          reference=None, memo=None, created_at=None):
    """One row as a dict, for a bulk insert (see append)."""
    return {"shop_id": shop_id, "order_id": order_id, "payment_id": payment_id,
            "kind": LedgerKind(kind), "amount_cents": int(amount_cents), "currency": currency,
            "provider_reference": reference, "memo": memo[:255] if memo else None,
            "created_at": created_at or utcnow()}


def insert_entries(rows):
    """Insert entry() rows in one statement (no commit)."""
    if rows:
        db.session.execute(insert(LedgerEntry.__table__), rows)


def append(kind, amount_cents, **fields):
    """Add one row to the caller's transaction (no commit); fields as entry() takes them."""
    insert_entries([entry(kind, amount_cents, **fields)])


def _fields(order):
    """The order's columns the ledger copies, from an Order or a row dict."""
    get = order.get if isinstance(order, dict) else lambda name: getattr(order, name)
    return {"shop_id": get("shop_id"), "order_id": get("id"), "payment_id": get("payment_id"),
            "currency": get("currency")}, get("number"), get("total_cents")


def sale_entries(order, fee_cents, reference, created_at=None):
    """A paid order's rows: charge (+total) and platform fee (-fee)."""
    fields, number, total = _fields(order)
    return [entry(LedgerKind.CHARGE, total, reference=reference, memo=f"Order {number}",
                  created_at=created_at, **fields),
            entry(LedgerKind.PLATFORM_FEE, -fee_cents, reference=reference,
                  memo=f"Platform fee {number}", created_at=created_at, **fields)]


def record_sale(order, fee_cents, reference):
    """A paid order: charge (+total) and platform fee (-fee)."""
    insert_entries(sale_entries(order, fee_cents, reference))


def record_refund(order, amount_cents, fee_reversal_cents, reference):
    """Money returned to the buyer of `order`: refund (-amount) and the fee given back."""
    fields, number, _ = _fields(order)
    rows = [entry(LedgerKind.REFUND, -amount_cents, reference=reference,
                  memo=f"Refund {number}", **fields)]
    if fee_reversal_cents:
        rows.append(entry(LedgerKind.REFUND_REVERSAL, fee_reversal_cents, reference=reference,
                          memo=f"Platform fee returned {number}", **fields))
    insert_entries(rows)


def payout_entries(order, amount_cents, reference):
    """The row of the shop's share of `order` sent to its connected account."""
    fields, number, _ = _fields(order)
    return [entry(LedgerKind.PAYOUT, -amount_cents, reference=reference,
                  memo=f"Payout {number}", **fields)]


def record_payout(order, amount_cents, reference):
    """The shop's share of `order` sent to its connected account."""
    insert_entries(payout_entries(order, amount_cents, reference))


def order_total(order_id, *kinds):
    """Sum of an order's rows (of `kinds`, or all): e.g. what it still owes its shop."""
    query = select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
        LedgerEntry.order_id == order_id)
    if kinds:
        query = query.where(LedgerEntry.kind.in_([LedgerKind(k) for k in kinds]))
    return db.session.scalar(query)


def order_totals(order_ids):
    """{order id: sum of its rows} for many orders in one query."""
    return dict(db.session.execute(
        select(LedgerEntry.order_id, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.order_id.in_(sorted(set(order_ids))))
        .group_by(LedgerEntry.order_id)).all())


def orders_with_entry(order_ids, kind):
    """The ids among `order_ids` that have a row of `kind` (one query)."""
    return set(db.session.scalars(select(LedgerEntry.order_id).where(
        LedgerEntry.order_id.in_(sorted(set(order_ids))), LedgerEntry.kind == LedgerKind(kind))))


def has_entry_clause(kind):
    """SQL: the order in the enclosing query has a row of `kind` (for sweeps)."""
    return exists().where(LedgerEntry.order_id == Order.id, LedgerEntry.kind == LedgerKind(kind))


def balance(shop_id, until=None):
    """What the platform owes the shop now (or just before `until`): the sum of its rows."""
    query = select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
        LedgerEntry.shop_id == shop_id)
    if until is not None:
        query = query.where(LedgerEntry.created_at < until)
    return db.session.scalar(query)


@dataclass
class Statement:
    shop_id: int
    start: datetime
    end: datetime
    opening_cents: int
    entries: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # LedgerKind -> cents within the period

    @property
    def closing_cents(self):
        return self.opening_cents + sum(self.totals.values())


def statement(shop_id, start, end):
    """The shop's rows in [start, end), the balance before and after, and totals per kind."""
    entries = db.session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.shop_id == shop_id, LedgerEntry.created_at >= start,
               LedgerEntry.created_at < end)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)).all()
    totals = {}
    for entry in entries:
        totals[entry.kind] = totals.get(entry.kind, 0) + entry.amount_cents
    return Statement(shop_id=shop_id, start=start, end=end,
                     opening_cents=balance(shop_id, until=start), entries=list(entries),
                     totals=totals)


EPOCH = datetime(2000, 1, 1)
# What each kind of provider money movement is called in the ledger.
PROVIDER_KINDS = {"charge": LedgerKind.CHARGE, "refund": LedgerKind.REFUND,
                  "transfer": LedgerKind.PAYOUT}


@dataclass(frozen=True)
class Difference:
    kind: str  # the provider's word: charge, refund or transfer
    reference: str | None
    ledger_cents: int
    provider_cents: int

    def __str__(self):
        return (f"{self.kind} {self.reference or '(no reference)'}: ledger {self.ledger_cents}, "
                f"provider {self.provider_cents}")


@dataclass
class Reconciliation:
    totals: dict  # provider kind -> (ledger cents, provider cents), both as positive amounts
    differences: list

    @property
    def ok(self):
        return not self.differences


def reconcile(provider, since=None):
    """Compare the ledger's charges, refunds and payouts with the provider's own records.

    Both sides are summed per (kind, reference) as positive amounts; any reference whose
    sums differ, or that one side lacks, is a Difference. The reference of a charge is its
    payment intent (the ledger's charge rows hold it, one row per shop order); of a refund or
    a transfer, its own id (what record_refund / record_payout store).
    """
    since = since or EPOCH
    ours, theirs = {}, {}
    query = (select(LedgerEntry.kind, LedgerEntry.provider_reference,
                    func.sum(LedgerEntry.amount_cents))
             .where(LedgerEntry.kind.in_(list(PROVIDER_KINDS.values())))
             .group_by(LedgerEntry.kind, LedgerEntry.provider_reference))
    query = query.where(LedgerEntry.created_at >= since)
    by_ledger_kind = {v: k for k, v in PROVIDER_KINDS.items()}
    for kind, reference, cents in db.session.execute(query):
        ours[(by_ledger_kind[kind], reference)] = abs(int(cents))
    for movement in provider.list_money_movements(since):
        kind = movement.get("kind")
        if kind in PROVIDER_KINDS:
            key = (kind, movement.get("reference" if kind == "charge" else "id"))
            theirs[key] = theirs.get(key, 0) + abs(int(movement.get("amount_cents") or 0))
    totals = {kind: (sum(v for (k, _), v in ours.items() if k == kind),
                     sum(v for (k, _), v in theirs.items() if k == kind))
              for kind in PROVIDER_KINDS}
    differences = [Difference(kind, reference, ours.get((kind, reference), 0),
                              theirs.get((kind, reference), 0))
                   for kind, reference in sorted(ours.keys() | theirs.keys(),
                                                 key=lambda key: (key[0], key[1] or ""))
                   if ours.get((kind, reference), 0) != theirs.get((kind, reference), 0)]
    return Reconciliation(totals=totals, differences=differences)
