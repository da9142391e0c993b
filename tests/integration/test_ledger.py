"""The sellers' ledger: append-only rows, balances, statements and reconciliation."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.cli.ledger import ledger_cli
from app.extensions import db
from app.models.base import utcnow
from app.models.orders import LedgerEntry, LedgerKind, Order
from app.services.payments import ledger
from tests.factories_account import create_order
from tests.factories_cart import shop_with_product
from tests.factories_payments import (
    create_checkout,
    event_for,
    in_context,
    ledger_rows,
    orders_of,
    post_event,
    settle,
    shop_part,
)


class FakeProvider:
    """A provider whose records are whatever the test says."""

    def __init__(self, movements):
        self.movements = movements

    def list_money_movements(self, since):
        return [m for m in self.movements if m.get("created", since) >= since]


@pytest.fixture
def sold(app, factory):
    """An order of 25.00 with a 2.50 fee recorded as a sale."""
    shop, _ = shop_with_product(app, factory)
    order = create_order(app, factory.shopper(), shop, items=[("Bowl", 2000, 1)],
                         shipping_cents=500)

    def record():
        ledger.record_sale(db.session.get(Order, order.id), 250, "pi_sold")
        db.session.commit()

    in_context(app, record)
    return shop, order


def test_sale_and_refund_rows_are_appended_never_changed(app, sold):
    shop, order = sold

    def refund():
        row_ids = list(db.session.scalars(select(LedgerEntry.id).order_by(LedgerEntry.id)))
        ledger.record_refund(db.session.get(Order, order.id), 1000, 100, "re_1")
        db.session.commit()
        return row_ids

    before = in_context(app, refund)
    assert ledger_rows(app, shop_id=shop.id) == [
        (LedgerKind.CHARGE, 2500, shop.id), (LedgerKind.PLATFORM_FEE, -250, shop.id),
        (LedgerKind.REFUND, -1000, shop.id), (LedgerKind.REFUND_REVERSAL, 100, shop.id)]
    assert in_context(app, lambda: list(db.session.scalars(
        select(LedgerEntry.id).order_by(LedgerEntry.id)))[:2]) == before
    assert in_context(app, lambda: ledger.balance(shop.id)) == 2500 - 250 - 1000 + 100


def test_statement_has_opening_rows_and_closing_balance(app, sold):
    shop, order = sold
    later = utcnow() + timedelta(days=3)

    def more():
        row = db.session.get(Order, order.id)
        ledger.append(LedgerKind.PAYOUT, -2250, shop_id=shop.id, order_id=row.id,
                      reference="tr_1", created_at=later)
        db.session.commit()
        return ledger.statement(shop.id, later - timedelta(hours=1), later + timedelta(hours=1))

    statement = in_context(app, more)
    assert statement.opening_cents == 2250
    assert [(e.kind, e.amount_cents) for e in statement.entries] == [(LedgerKind.PAYOUT, -2250)]
    assert statement.totals == {LedgerKind.PAYOUT: -2250}
    assert statement.closing_cents == 0


def test_reconcile_matches_the_providers_records(app, sold):
    provider = FakeProvider([{"kind": "charge", "id": "ch_1", "reference": "pi_sold",
                              "amount_cents": 2500}])
    result = in_context(app, lambda: ledger.reconcile(provider, since=datetime(2020, 1, 1)))
    assert result.ok
    assert result.totals["charge"] == (2500, 2500)


def test_reconcile_reports_a_planted_difference(app, sold):
    provider = FakeProvider([
        {"kind": "charge", "id": "ch_1", "reference": "pi_sold", "amount_cents": 2400},
        {"kind": "refund", "id": "re_unknown", "reference": "pi_sold", "amount_cents": 300},
    ])
    result = in_context(app, lambda: ledger.reconcile(provider))
    assert not result.ok
    assert [(d.kind, d.reference, d.ledger_cents, d.provider_cents)
            for d in result.differences] == [("charge", "pi_sold", 2500, 2400),
                                             ("refund", "re_unknown", 0, 300)]


def test_fulfilled_checkout_reconciles_with_the_offline_provider(app, client, factory, runner):
    shop, product = shop_with_product(app, factory)
    checkout = create_checkout(app, factory.shopper(),
                               [shop_part(shop, [(product, product.variants[0], 1)])])
    post_event(client, app, event_for(checkout))
    settle(app)
    result = runner.invoke(ledger_cli, ["reconcile"])
    assert result.exit_code == 0, result.output
    assert "The ledger matches the provider." in result.output

    def plant():
        [order] = db.session.scalars(select(Order)).all()
        ledger.append(LedgerKind.CHARGE, 123, shop_id=shop.id, order_id=order.id,
                      reference="pi_planted")
        db.session.commit()

    in_context(app, plant)
    result = runner.invoke(ledger_cli, ["reconcile"])
    assert result.exit_code == 1
    assert "charge pi_planted: ledger 123, provider 0" in result.output


def test_balance_and_statement_commands(app, client, factory, runner):
    shop, product = shop_with_product(app, factory, price_cents=2000)
    checkout = create_checkout(app, factory.shopper(),
                               [shop_part(shop, [(product, product.variants[0], 1)])])
    post_event(client, app, event_for(checkout))
    settle(app)
    [order] = orders_of(app, checkout)
    result = runner.invoke(ledger_cli, ["balance", str(shop.id)])
    assert result.exit_code == 0 and result.output.strip().endswith("$0.00")
    today = utcnow().date()
    result = runner.invoke(ledger_cli, ["statement", str(shop.id), "--start", str(today),
                                        "--end", str(today + timedelta(days=1))])
    assert result.exit_code == 0, result.output
    for text in ("opening balance", "charge", "$25.00", "platform_fee", "-$2.50", "payout",
                 f"Payout {order.number}", "closing balance"):
        assert text in result.output
    assert runner.invoke(ledger_cli, ["statement", str(shop.id), "--start", "x",
                                      "--end", "y"]).exit_code == 2
    assert runner.invoke(ledger_cli, ["balance", "999999"]).exit_code == 1
