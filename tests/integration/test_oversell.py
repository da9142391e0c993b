"""The last unit is sold once: later or concurrent payers get a flagged order and a refund."""
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.catalog import ProductVariant
from app.models.orders import LedgerEntry, LedgerKind, Order, OrderStatus, Payment, PaymentStatus
from app.services.orders.fulfilment import create
from tests.factories_cart import shop_with_product
from tests.factories_payments import (
    create_checkout,
    event_for,
    in_context,
    orders_of,
    post_event,
    settle,
    shop_part,
)


def stock_of(app, variant):
    return in_context(app, lambda: db.session.get(ProductVariant, variant.id).stock)


def paid_checkouts_for(app, factory, product, buyers):
    variant = product.variants[0]
    shop = product.shop
    return [create_checkout(app, factory.shopper(), [shop_part(shop, [(product, variant, 1)])])
            for _ in range(buyers)]


def money_state(app):
    def load():
        orders = db.session.scalars(select(Order).order_by(Order.id)).all()
        refunds = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.kind == LedgerKind.REFUND, LedgerEntry.provider_reference.like("re_%")))
        payments = dict(db.session.execute(
            select(Payment.status, func.count()).group_by(Payment.status)).all())
        return ([(o.status, o.flagged_reason is not None, o.refunded_at is not None)
                 for o in orders], refunds, payments)

    return in_context(app, load)


def test_later_payers_of_the_last_unit_are_refunded(app, client, factory, mailbox):
    _, product = shop_with_product(app, factory, variants=[("", "", 1)], title="Last lamp")
    checkouts = paid_checkouts_for(app, factory, product, 3)
    for checkout in checkouts:
        assert post_event(client, app, event_for(checkout)).status_code == 200
    settle(app)
    assert stock_of(app, product.variants[0]) == 0
    winner, *losers = (orders_of(app, c)[0] for c in checkouts)
    assert winner.status == OrderStatus.PLACED and winner.flagged_reason is None
    for order in losers:
        assert order.status == OrderStatus.REFUNDED
        assert order.flagged_reason == "out of stock: Last lamp"
        assert order.refunded_at is not None
        assert all(item.refunded_quantity == item.quantity for item in order.items)
    orders, refunds, payments = money_state(app)
    assert refunds == 2
    assert payments == {PaymentStatus.PAID: 1, PaymentStatus.REFUNDED: 2}
    buyer = in_context(app, lambda: db.session.get(Order, losers[0].id).user_id)
    from app.models.accounts import User

    email = in_context(app, lambda: db.session.get(User, buyer).email)
    mail = mailbox.wait_for(email, subject="Refund")
    assert "Last lamp" in mail.text and "out of stock" in mail.text


def test_one_shop_out_of_stock_refunds_only_that_shops_order(app, client, factory):
    _, scarce = shop_with_product(app, factory, variants=[("", "", 0)], title="Sold out")
    shop_b, plenty = shop_with_product(app, factory)
    checkout = create_checkout(app, factory.shopper(), [
        shop_part(scarce.shop, [(scarce, scarce.variants[0], 1)]),
        shop_part(shop_b, [(plenty, plenty.variants[0], 1)])])
    post_event(client, app, event_for(checkout))
    settle(app)
    flagged, fine = orders_of(app, checkout)
    assert flagged.status == OrderStatus.REFUNDED and fine.status == OrderStatus.PLACED
    assert stock_of(app, scarce.variants[0]) == 0 and stock_of(app, plenty.variants[0]) == 9
    payment = in_context(app, lambda: db.session.scalar(select(Payment)))
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded_cents == flagged.total_cents
    kinds = in_context(app, lambda: [(e.kind, e.amount_cents) for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.order_id == flagged.id).order_by(LedgerEntry.id))])
    fee = -kinds[1][1]
    assert kinds == [(LedgerKind.CHARGE, flagged.total_cents), (LedgerKind.PLATFORM_FEE, -fee),
                     (LedgerKind.REFUND, -flagged.total_cents),
                     (LedgerKind.REFUND_REVERSAL, fee)]


def _race(app, checkouts, events=None):
    """Fulfil every checkout at once, one thread (and app context) each."""
    barrier = threading.Barrier(len(checkouts))
    results, errors = [], []
    events = events or [event_for(checkout) for checkout in checkouts]

    def pay(checkout, event):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results.append(create.fulfil_checkout(checkout.session_id, event).status)
            except Exception as error:  # reported below, with the thread's own error
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pay, args=pair) for pair in zip(checkouts, events,
                                                                         strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


@pytest.mark.services
def test_twenty_concurrent_buyers_of_the_last_unit_on_postgresql(app, factory):
    _, product = shop_with_product(app, factory, variants=[("", "", 1)], title="Last lamp")
    checkouts = paid_checkouts_for(app, factory, product, 20)
    assert _race(app, checkouts) == ["fulfilled"] * 20
    settle(app, timeout=60)
    assert stock_of(app, product.variants[0]) == 0
    orders, refunds, payments = money_state(app)
    assert len(orders) == 20
    assert orders.count((OrderStatus.PLACED, False, False)) == 1
    assert orders.count((OrderStatus.REFUNDED, True, True)) == 19
    assert refunds == 19  # each asked of the (offline) provider, its refund id in the ledger
    assert payments == {PaymentStatus.PAID: 1, PaymentStatus.REFUNDED: 19}


def test_concurrent_buyers_of_the_last_unit_in_the_embedded_mode_too(app, factory):
    _, product = shop_with_product(app, factory, variants=[("", "", 2)])
    checkouts = paid_checkouts_for(app, factory, product, 6)
    assert _race(app, checkouts) == ["fulfilled"] * 6
    settle(app, timeout=60)
    assert stock_of(app, product.variants[0]) == 0
    orders, refunds, _ = money_state(app)
    assert orders.count((OrderStatus.PLACED, False, False)) == 2
    assert orders.count((OrderStatus.REFUNDED, True, True)) == 4
    assert refunds == 4


@pytest.mark.parametrize("same_event", [True, False], ids=["same event", "different events"])
def test_one_checkout_delivered_concurrently_is_fulfilled_once(app, factory, same_event):
    _, product = shop_with_product(app, factory)
    [checkout] = paid_checkouts_for(app, factory, product, 1)
    event = event_for(checkout)
    events = [event if same_event else event_for(checkout) for _ in range(8)]
    results = _race(app, [checkout] * 8, events)
    settle(app, timeout=60)
    assert results.count("fulfilled") == 1
    assert set(results) - {"fulfilled"} == {"duplicate" if same_event else "already_paid"}
    assert len(orders_of(app, checkout)) == 1
    assert stock_of(app, product.variants[0]) == 9
