"""Cart, wishlist and discount-code helpers for tests: build rows, read what was stored."""
import itertools
import re
import time
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, select

from app.extensions import db
from app.models.analytics import AnalyticsEvent
from app.models.base import utcnow
from app.models.catalog import CartItem, DiscountCode, ProductVariant, WishlistItem
from tests.factories import _detached
from tests.factories_catalog import create_product, create_shop
from tests.support import modes

_seq = itertools.count(1)
ALERTS = re.compile(r'<div class="alert alert-[a-z]+[^"]*"[^>]*>(.*?)</div>', re.S)
TAGS = re.compile(r"<[^>]+>")


def shop_with_product(app, factory, name=None, price_cents=1000, variants=None, **kw):
    """A fresh shop and one product of it: (shop, product)."""
    shop = create_shop(factory, name=name)
    return shop, create_product(app, shop, price_cents=price_cents, variants=variants, **kw)


def create_code(app, code="SAVE10", shop=None, percent_off=None, amount_off_cents=None, **kw):
    """A discount code (10 % off, marketplace-wide unless `shop` is given); returned detached."""
    if percent_off is None and amount_off_cents is None:
        percent_off = 10
    with app.app_context():
        row = DiscountCode(code=code, shop_id=shop.id if shop else None, percent_off=percent_off,
                           amount_off_cents=amount_off_cents, **kw)
        db.session.add(row)
        db.session.commit()
        return _detached(row)


def days(n):
    return utcnow() + timedelta(days=n)


def put_in_cart(app, user, variant, quantity):
    with app.app_context():
        db.session.add(CartItem(user_id=user.id, variant_id=variant.id, quantity=quantity))
        db.session.commit()


def put_on_wishlist(app, user, product, variant=None):
    with app.app_context():
        db.session.add(WishlistItem(user_id=user.id, product_id=product.id,
                                    variant_id=variant.id if variant else None))
        db.session.commit()


def set_stock(app, variant, stock):
    with app.app_context():
        db.session.get(ProductVariant, variant.id).stock = stock
        db.session.commit()


def cart_rows(app, user):
    """{variant_id: quantity} of a shopper's saved cart."""
    with app.app_context():
        rows = db.session.execute(select(CartItem.variant_id, CartItem.quantity)
                                  .where(CartItem.user_id == user.id))
        result = dict(rows.all())
        db.session.remove()
        return result


def wishlist_rows(app, user):
    """[(product_id, variant_id)] of a shopper's saved wishlist."""
    with app.app_context():
        rows = db.session.execute(select(WishlistItem.product_id, WishlistItem.variant_id)
                                  .where(WishlistItem.user_id == user.id)
                                  .order_by(WishlistItem.id))
        result = [tuple(row) for row in rows]
        db.session.remove()
        return result


def guest_session(client):
    """(guest cart, guest wishlist, coupon) as the session holds them."""
    with client.session_transaction() as session:
        return (session.get("guest_cart"), session.get("guest_wishlist"), session.get("coupon"))


def set_guest_session(client, cart=None, wishlist=None, coupon=None):
    with client.session_transaction() as session:
        for key, value in (("guest_cart", cart), ("guest_wishlist", wishlist),
                           ("coupon", coupon)):
            if value is not None:
                session[key] = value


def alerts(body):
    """The text of the alerts (flashes and inline messages) a page shows."""
    return [" ".join(TAGS.sub(" ", m).split()) for m in ALERTS.findall(body)]


def analytics_events(app, kind, timeout=5.0):
    """Analytics rows of `kind`; polls in the services run, where a worker writes them."""
    deadline = time.monotonic() + (timeout if modes.SERVICES else 0)
    while True:
        with app.app_context():
            rows = db.session.scalars(select(AnalyticsEvent)
                                      .where(AnalyticsEvent.kind == kind)).all()
            db.session.expunge_all()
            db.session.remove()
        if rows or time.monotonic() >= deadline:
            return rows
        time.sleep(0.05)


@contextmanager
def count_queries(app):
    """Collect the SQL statements run inside the block (a list of strings)."""
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def create_analytics_event(app, kind, product=None):
    """One analytics row written directly (no buffer, no worker), e.g. a product view."""
    with app.app_context():
        db.session.add(AnalyticsEvent(kind=kind, product_id=product.id if product else None,
                                      shop_id=product.shop_id if product else None))
        db.session.commit()
