"""`flask seed-demo` loads a small, consistent marketplace, deterministically and only once."""
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AnalyticsEvent,
    AnalyticsKind,
    LedgerEntry,
    LedgerKind,
    Order,
    OrderItem,
    Payment,
    Product,
    ProductCounter,
    ProductVariant,
    Review,
    Role,
    Shop,
    ShopFollower,
    SiteConfig,
    User,
)
from app.services.accounts.passwords import verify_password
from tests.support.database import empty_tables

SMALL = ["seed-demo", "--products", "40", "--shops", "3", "--shoppers", "5", "--no-images"]


@pytest.fixture
def seeded(app, runner):
    """Seed the small demo and return a function running queries in an app context."""
    result = runner.invoke(args=SMALL)
    assert result.exit_code == 0, result.output

    def query(fn):
        with app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    return query


def _all(model):
    return db.session.scalars(select(model)).all()


def test_seed_creates_shops_products_and_variants_with_their_own_stock(seeded):
    def check():
        assert db.session.scalar(select(func.count(Shop.id))) == 3
        assert db.session.scalar(select(func.count(Product.id))) == 40
        stocks = defaultdict(list)
        for variant in _all(ProductVariant):
            stocks[variant.product_id].append(variant.stock)
        assert len(stocks) == 40  # every product is sellable through at least one variant
        multi = [s for s in stocks.values() if len(s) > 1]
        assert multi and any(len(set(s)) > 1 for s in multi)
        skus = db.session.scalars(select(ProductVariant.sku)).all()
        assert len(skus) == len(set(skus))
        seller = db.session.scalar(select(User).filter_by(email="seller@bazaar.example"))
        shopper = db.session.scalar(select(User).filter_by(email="shopper@bazaar.example"))
        assert seller.role == Role.SELLER and seller.is_verified
        assert shopper.role == Role.SHOPPER and len(shopper.addresses) == 1
        assert verify_password(seller.password_hash, "bazaar-demo-2026")
        assert db.session.get(SiteConfig, 1).platform_fee_bps == 1000

    seeded(check)


def test_orders_reference_existing_products_and_their_money_adds_up(seeded):
    def check():
        variants = {v.id: v.product_id for v in _all(ProductVariant)}
        items = _all(OrderItem)
        assert items
        for item in items:
            assert variants[item.variant_id] == item.product_id
            assert item.line_total_cents == item.unit_price_cents * item.quantity
        by_payment = defaultdict(int)
        ledger = defaultdict(dict)
        for entry in _all(LedgerEntry):
            ledger[entry.order_id][entry.kind] = entry.amount_cents
        for order in _all(Order):
            assert order.subtotal_cents == sum(i.line_total_cents for i in order.items)
            assert order.total_cents == order.subtotal_cents + order.shipping_cents \
                + order.tax_cents - order.discount_cents
            assert order.status_events[-1].status == order.status
            assert ledger[order.id][LedgerKind.CHARGE] == order.total_cents
            fee = (order.total_cents * 1000 + 5000) // 10000  # 10 %, half-cents rounded up
            assert ledger[order.id][LedgerKind.PLATFORM_FEE] == -fee
            by_payment[order.payment_id] += order.total_cents
        for payment in _all(Payment):
            assert payment.amount_cents == by_payment[payment.id]

    seeded(check)


def test_reviews_are_written_only_by_buyers_and_caches_match(seeded):
    def check():
        bought = {(o.user_id, i.product_id) for o in _all(Order) for i in o.items}
        reviews = _all(Review)
        assert reviews
        ratings = defaultdict(list)
        for review in reviews:
            assert (review.user_id, review.product_id) in bought
            assert review.is_verified_purchase
            ratings[review.product_id].append(review.rating)
        for product in _all(Product):
            mine = ratings.get(product.id, [])
            assert product.rating_count == len(mine)
            if mine:
                assert product.rating_avg == pytest.approx(sum(mine) / len(mine), abs=0.01)
        followers = dict(db.session.execute(
            select(ShopFollower.shop_id, func.count()).group_by(ShopFollower.shop_id)).all())
        for shop in _all(Shop):
            assert shop.followers_count == followers.get(shop.id, 0)
        views = dict(db.session.execute(
            select(AnalyticsEvent.product_id, func.count())
            .where(AnalyticsEvent.kind == AnalyticsKind.PRODUCT_VIEW)
            .group_by(AnalyticsEvent.product_id)).all())
        for counter in _all(ProductCounter):
            assert counter.views == views.get(counter.product_id, 0)

    seeded(check)


def test_if_empty_does_nothing_the_second_time(seeded, runner):
    count = lambda: db.session.scalar(select(func.count(Product.id)))  # noqa: E731
    before = seeded(count)
    result = runner.invoke(args=[*SMALL, "--if-empty"])
    assert result.exit_code == 0
    assert "skipping" in result.output
    refused = runner.invoke(args=SMALL)
    assert refused.exit_code != 0
    assert seeded(count) == before


def test_the_same_seed_builds_the_same_catalogue(app, runner):
    def snapshot():
        with app.app_context():
            try:
                return db.session.execute(
                    select(Product.title, Product.regular_price_cents, ProductVariant.sku,
                           ProductVariant.stock)
                    .join(ProductVariant).order_by(ProductVariant.sku)).all()
            finally:
                db.session.remove()

    assert runner.invoke(args=SMALL).exit_code == 0
    first = snapshot()
    empty_tables(app)
    assert runner.invoke(args=SMALL).exit_code == 0
    assert snapshot() == first


@pytest.mark.parametrize("email, landing", [
    ("shopper@bazaar.example", "/"), ("seller@bazaar.example", "/seller/"),
])
def test_demo_accounts_log_in_through_the_real_form(seeded, client, email, landing):
    response = client.post("/auth/login", data={"email": email, "password": "bazaar-demo-2026"})
    assert response.status_code == 302
    assert response.headers["Location"] == landing
