"""Storefront test data: orders that make someone a buyer, follows, and shop reviews."""
import itertools
import time

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Review
from app.models.orders import Order, OrderItem, OrderStatus
from app.models.shops import Shop, ShopFollower
from tests.factories import _detached

_seq = itertools.count(1)


def create_order(app, buyer, products, status=OrderStatus.DELIVERED, quantity=1):
    """One order by `buyer` from the first product's shop, one line per product."""
    n = next(_seq)
    now = utcnow()
    with app.app_context():
        shop = db.session.get(Shop, products[0].shop_id)
        order = Order(number=f"T-{n:06d}", user_id=buyer.id, shop_id=shop.id,
                      shop_name=shop.name, checkout_session_id=f"cs_test_{n}",
                      status=status, subtotal_cents=0, total_cents=0, ship_name=buyer.name,
                      ship_line1="1 Test Street", ship_city="London", ship_postal_code="N1 1AA",
                      ship_country="GB", placed_at=now)
        if status == OrderStatus.DELIVERED:
            order.delivered_at = now
        total = 0
        for product in products:
            variant = product.variants[0] if product.variants else None
            price = product.sale_price_cents or product.regular_price_cents
            total += price * quantity
            order.items.append(OrderItem(
                product_id=product.id, variant_id=variant.id if variant else None,
                title=product.title, sku=variant.sku if variant else f"SKU-{product.id}",
                unit_price_cents=price, quantity=quantity, line_total_cents=price * quantity))
        order.subtotal_cents = order.total_cents = total
        db.session.add(order)
        db.session.commit()
        return _detached(order)


def create_follow(app, user, shop):
    with app.app_context():
        db.session.add(ShopFollower(shop_id=shop.id, user_id=user.id))
        db.session.commit()


def create_shop_review(app, shop, user, rating=5, title=None, body=None):
    with app.app_context():
        review = Review(product_id=None, shop_id=shop.id, user_id=user.id, rating=rating,
                        title=title, body=body, is_verified_purchase=True)
        db.session.add(review)
        db.session.commit()
        return _detached(review)


def set_shop(app, shop, **changes):
    """Update columns of a shop (e.g. status, rating_avg, country) and commit."""
    with app.app_context():
        row = db.session.get(Shop, shop.id)
        for key, value in changes.items():
            setattr(row, key, value)
        db.session.commit()
        return _detached(row)


def shop_row(app, shop_id):
    with app.app_context():
        return _detached(db.session.get(Shop, shop_id))


def eventually(in_app, fn, expected, timeout=15.0):
    """Poll `fn` (in an app context) until it returns `expected`: with Redis a worker writes."""
    deadline = time.monotonic() + timeout
    while True:
        value = in_app(fn)
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.05)
