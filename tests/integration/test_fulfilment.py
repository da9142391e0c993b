"""A paid checkout becomes orders at the prices charged, with every effect exactly once."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.analytics import AnalyticsKind, ProductCounter, ShopCounter
from app.models.catalog import CartItem, DiscountCode, Product, ProductVariant
from app.models.notifications import Notification
from app.models.orders import LedgerKind, OrderStatus, Payment, PaymentStatus
from app.models.shops import ShopSettings
from app.services.orders import numbers as order_numbers
from tests.factories_cart import analytics_events, create_code, put_in_cart, shop_with_product
from tests.factories_catalog import set_product
from tests.factories_payments import (
    counts,
    create_checkout,
    event_for,
    in_context,
    ledger_rows,
    orders_of,
    post_event,
    settle,
    shop_part,
)
from tests.support import modes


def notifications_of(app, user):
    return in_context(app, lambda: list(db.session.scalars(
        select(Notification.title).where(Notification.receiver_id == user.id)
        .order_by(Notification.id))))


def settings(app, shop, **changes):
    def apply():
        row = db.session.scalar(select(ShopSettings).where(ShopSettings.shop_id == shop.id))
        for key, value in changes.items():
            setattr(row, key, value)
        db.session.commit()

    in_context(app, apply)


def payment_of(app, checkout):
    def load():
        payment = db.session.scalar(select(Payment).where(
            Payment.provider_session_id == checkout.session_id))
        db.session.expunge_all()
        return payment

    return in_context(app, load)


@pytest.fixture
def two_shops(app, factory):
    """A buyer with two shops' products in the cart and a checkout for both."""
    shop_a, mug = shop_with_product(app, factory, price_cents=1500, title="Blue mug")
    shop_b, tote = shop_with_product(app, factory, price_cents=2500, title="Linen tote",
                                     variants=[("Red", "M", 3)])
    buyer = factory.shopper()
    put_in_cart(app, buyer, mug.variants[0], 2)
    put_in_cart(app, buyer, tote.variants[0], 1)
    checkout = create_checkout(app, buyer, [shop_part(shop_a, [(mug, mug.variants[0], 2)]),
                                            shop_part(shop_b, [(tote, tote.variants[0], 1)])])
    return checkout, buyer, (shop_a, mug), (shop_b, tote)


def test_paid_checkout_creates_one_order_per_shop_at_the_snapshot_prices(app, client, two_shops):
    checkout, buyer, (shop_a, mug), (shop_b, tote) = two_shops
    set_product(app, mug, regular_price_cents=9999)  # the catalogue changed after checkout
    post_event(client, app, event_for(checkout))
    settle(app)
    first, second = orders_of(app, checkout)
    assert (first.shop_id, first.subtotal_cents, first.total_cents) == (shop_a.id, 3000, 3500)
    assert [(i.title, i.unit_price_cents, i.quantity) for i in first.items] == [
        ("Blue mug", 1500, 2)]
    assert (second.shop_id, second.total_cents, second.items[0].color) == (shop_b.id, 3000, "Red")
    assert all(re.fullmatch(r"BZ\d{4}-\d{6}", o.number) for o in (first, second))
    assert first.status == OrderStatus.PLACED and first.flagged_reason is None
    assert (first.ship_name, first.ship_country) == ("Ada Lovelace", "GB")
    payment = payment_of(app, checkout)
    assert (payment.amount_cents, payment.status) == (6500, PaymentStatus.PAID)
    assert payment.provider_payment_id == f"pi_test_{checkout.session_id}"
    assert first.payment_id == second.payment_id == payment.id


def test_stock_is_taken_and_the_bought_cart_lines_cleared(app, client, two_shops):
    checkout, buyer, (_, mug), (_, tote) = two_shops
    post_event(client, app, event_for(checkout))
    settle(app)
    stock = in_context(app, lambda: dict(db.session.execute(
        select(ProductVariant.id, ProductVariant.stock)).all()))
    assert stock == {mug.variants[0].id: 8, tote.variants[0].id: 2}
    assert in_context(app, lambda: db.session.scalars(
        select(CartItem).where(CartItem.user_id == buyer.id)).all()) == []


def test_ledger_has_a_charge_fee_and_payout_per_order(app, client, two_shops):
    from app.services.payments import ledger

    checkout, _, (shop_a, _), _ = two_shops
    post_event(client, app, event_for(checkout))
    settle(app)
    assert ledger_rows(app, shop_id=shop_a.id) == [
        (LedgerKind.CHARGE, 3500, shop_a.id), (LedgerKind.PLATFORM_FEE, -350, shop_a.id),
        # The offline provider needs no connected account and transfers at once.
        (LedgerKind.PAYOUT, -3150, shop_a.id)]
    assert in_context(app, lambda: ledger.balance(shop_a.id)) == 0


def test_buyer_sellers_and_admins_hear_about_the_order(app, client, factory, two_shops, mailbox):
    admin = factory.admin()
    checkout, buyer, (shop_a, _), (shop_b, _) = two_shops
    post_event(client, app, event_for(checkout))
    settle(app)
    first, second = orders_of(app, checkout)
    mail = mailbox.wait_for(buyer.email, subject="confirmed")
    assert first.number in mail.subject and second.number in mail.subject
    for text in ("Blue mug", "Linen tote", "$35.00", "$30.00", "$65.00", "12 Analytical Row",
                 f"/account/orders/{first.number}"):
        assert text in mail.text
    assert "Blue mug" in mail.html
    owner_a = in_context(app, lambda: db.session.get(type(shop_a), shop_a.id).owner)
    assert notifications_of(app, owner_a) == [f"New order {first.number}"]
    assert mailbox.wait_for(owner_a.email, subject=first.number).subject == \
        f"New order {first.number}"
    assert notifications_of(app, admin) == ["New paid checkout: 2 order(s)"]


def test_purchases_are_counted_in_analytics(app, client, two_shops):
    checkout, buyer, (shop_a, mug), _ = two_shops
    post_event(client, app, event_for(checkout))
    settle(app)
    events = analytics_events(app, AnalyticsKind.PURCHASE)
    assert sorted((e.quantity, e.amount_cents) for e in events) == [(1, 2500), (2, 3000)]
    assert all(e.user_id == buyer.id for e in events)
    counter = in_context(app, lambda: db.session.get(ProductCounter, mug.id))
    assert (counter.purchases, counter.revenue_cents) == (2, 3000)
    assert in_context(app, lambda: db.session.get(ShopCounter, shop_a.id).orders) == 1
    assert in_context(app, lambda: db.session.get(Product, mug.id).sold_count) == 2


def test_low_stock_alert_when_the_sale_crosses_the_threshold(app, client, factory, mailbox):
    shop, product = shop_with_product(app, factory, variants=[("", "", 7)], title="Teapot")
    settings(app, shop, low_stock_threshold=5)
    checkout = create_checkout(app, factory.shopper(),
                               [shop_part(shop, [(product, product.variants[0], 2)])])
    post_event(client, app, event_for(checkout))
    settle(app)
    owner = in_context(app, lambda: db.session.get(type(shop), shop.id).owner)
    assert "Low stock: Teapot" in notifications_of(app, owner)
    mail = mailbox.wait_for(owner.email, subject="Low stock")
    assert "has 5 left" in mail.text
    # Already at the threshold: a further sale is not a crossing.
    again = create_checkout(app, factory.shopper(),
                            [shop_part(shop, [(product, product.variants[0], 1)])])
    post_event(client, app, event_for(again))
    settle(app)
    assert notifications_of(app, owner).count("Low stock: Teapot") == 1


def test_seller_preferences_are_respected(app, client, factory, mailbox):
    shop, product = shop_with_product(app, factory, variants=[("", "", 6)])
    settings(app, shop, notify_new_order=False, notify_low_stock=False)
    checkout = create_checkout(app, factory.shopper(),
                               [shop_part(shop, [(product, product.variants[0], 2)])])
    post_event(client, app, event_for(checkout))
    settle(app)
    owner = in_context(app, lambda: db.session.get(type(shop), shop.id).owner)
    assert notifications_of(app, owner) == []
    assert mailbox.messages(owner.email) == []
    assert len(orders_of(app, checkout)) == 1


def test_tampered_amount_creates_no_orders_and_refunds_the_charge(app, client, factory,
                                                                 two_shops, mailbox):
    admin = factory.admin()
    checkout, buyer, (_, mug), _ = two_shops
    post_event(client, app, event_for(checkout, amount_total=100))
    settle(app)
    assert orders_of(app, checkout) == []
    payment = payment_of(app, checkout)
    assert (payment.amount_cents, payment.status, payment.refunded_cents) == (
        100, PaymentStatus.REFUNDED, 100)
    assert ledger_rows(app, payment_id=payment.id) == [(LedgerKind.CHARGE, 100, None),
                                                       (LedgerKind.REFUND, -100, None)]
    assert in_context(app, lambda: db.session.get(ProductVariant, mug.variants[0].id).stock) == 10
    assert notifications_of(app, admin) == ["A payment was refused and is being refunded"]
    assert "$1.00" in mailbox.wait_for(buyer.email, subject="refunded").text


def test_wrong_currency_is_refused_like_a_wrong_amount(app, client, two_shops):
    checkout, *_ = two_shops
    post_event(client, app, event_for(checkout, currency="eur"))
    settle(app)
    assert orders_of(app, checkout) == []
    assert payment_of(app, checkout).status == PaymentStatus.REFUNDED


def test_coupon_use_is_counted_once_per_checkout(app, client, factory):
    shop, product = shop_with_product(app, factory)
    code = create_code(app, "ONCE10", max_uses=5)
    checkout = create_checkout(app, factory.shopper(), [
        shop_part(shop, [(product, product.variants[0], 1)], discount_cents=100)], coupon=code)
    for _ in range(3):
        post_event(client, app, event_for(checkout, event_id="evt_coupon_once"))
    settle(app)
    assert in_context(app, lambda: db.session.get(DiscountCode, code.id).used_count) == 1
    [order] = orders_of(app, checkout)
    assert (order.discount_code_id, order.discount_cents) == (code.id, 100)


def test_coupon_used_up_between_checkout_and_payment_refunds_that_shop(app, client, factory,
                                                                      mailbox):
    shop, product = shop_with_product(app, factory)
    other_shop, other = shop_with_product(app, factory)
    code = create_code(app, "LAST1", shop=shop, max_uses=1)
    buyer = factory.shopper()
    first = create_checkout(app, factory.shopper(), [
        shop_part(shop, [(product, product.variants[0], 1)], discount_cents=100)], coupon=code)
    second = create_checkout(app, buyer, [
        shop_part(shop, [(product, product.variants[0], 1)], discount_cents=100),
        shop_part(other_shop, [(other, other.variants[0], 1)])], coupon=code)
    post_event(client, app, event_for(first))
    post_event(client, app, event_for(second))
    settle(app)
    assert in_context(app, lambda: db.session.get(DiscountCode, code.id).used_count) == 1
    flagged, fine = orders_of(app, second)
    assert flagged.flagged_reason == "discount code used up before payment"
    assert flagged.status == OrderStatus.REFUNDED
    assert fine.flagged_reason is None and fine.status == OrderStatus.PLACED
    assert in_context(app, lambda: db.session.get(ProductVariant, product.variants[0].id)
                      .stock) == 9
    assert "discount code used up" in mailbox.wait_for(buyer.email, subject="Refund").text


def test_deleted_coupon_keeps_the_price_agreed_at_checkout(app, client, factory):
    shop, product = shop_with_product(app, factory)
    code = create_code(app, "GONE")
    checkout = create_checkout(app, factory.shopper(), [
        shop_part(shop, [(product, product.variants[0], 1)], discount_cents=100)], coupon=code)
    in_context(app, lambda: (db.session.delete(db.session.get(DiscountCode, code.id)),
                             db.session.commit()))
    post_event(client, app, event_for(checkout))
    settle(app)
    [order] = orders_of(app, checkout)
    assert order.flagged_reason is None and order.discount_code_id is None


def test_snapshot_without_version_is_refused_and_refunded(app, client, factory):
    shop, product = shop_with_product(app, factory)
    checkout = create_checkout(app, factory.shopper(),
                               [shop_part(shop, [(product, product.variants[0], 1)])])

    def break_snapshot():
        from app.models.orders import CheckoutSession

        row = db.session.scalar(select(CheckoutSession))
        row.snapshot = {"shops": "nonsense"}
        db.session.commit()

    in_context(app, break_snapshot)
    post_event(client, app, event_for(checkout))
    settle(app)
    assert counts(app)["orders"] == 0
    assert payment_of(app, checkout).status == PaymentStatus.REFUNDED


def test_order_numbers_are_the_demo_style_made_from_the_order_id(app, client, factory,
                                                                  two_shops):
    from tests.factories_account import create_order

    checkout, buyer, (shop_a, _), _ = two_shops
    # A seeded-style order already holds the number "max + 1" would hand out next.
    seeded = create_order(app, buyer, shop_a, number="BZ0001-999999")
    post_event(client, app, event_for(checkout))
    settle(app)
    numbers = [order_numbers.format_number(o.id, o.placed_at) for o in orders_of(app, checkout)]
    assert numbers == [o.number for o in orders_of(app, checkout)]
    assert seeded.number not in numbers and len(set(numbers)) == 2


def test_after_payment_jobs_are_safe_to_run_again(app, client, two_shops, mailbox):
    from workers import payments as payment_jobs

    checkout, buyer, (shop_a, _), _ = two_shops
    post_event(client, app, event_for(checkout))
    settle(app)
    payment = payment_of(app, checkout)
    rows_before = ledger_rows(app)
    for _ in range(2):
        in_context(app, lambda: payment_jobs.after_payment(payment.id, []))
        for order in orders_of(app, checkout):
            assert in_context(app, lambda o=order: payment_jobs.pay_out_order(o.id)) is False
    settle(app)
    assert ledger_rows(app) == rows_before
    assert len([m for m in mailbox.messages(buyer.email) if "confirmed" in m.subject]) == 1


@pytest.mark.skipif(modes.SERVICES, reason="patches the provider in this process")
def test_sweep_finishes_a_refund_the_provider_refused_at_first(app, client, factory, monkeypatch):
    from app.services.payments import ProviderError, get_provider
    from workers import payments as payment_jobs

    _, product = shop_with_product(app, factory, variants=[("", "", 0)])
    checkout = create_checkout(app, factory.shopper(),
                               [shop_part(product.shop, [(product, product.variants[0], 1)])])
    with app.app_context():
        provider = get_provider()

    def down(**kwargs):
        raise ProviderError("The payment provider could not refund the payment.")

    monkeypatch.setattr(provider, "refund", down)
    assert post_event(client, app, event_for(checkout)).status_code == 200
    [order] = orders_of(app, checkout)
    assert order.status == OrderStatus.REFUNDED and order.refunded_at is None
    monkeypatch.undo()
    in_context(app, payment_jobs.sweep)
    [order] = orders_of(app, checkout)
    assert order.refunded_at is not None
    assert payment_of(app, checkout).status == PaymentStatus.REFUNDED
