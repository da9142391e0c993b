"""Data for bench/checkout.py: shops, buyers, paid checkout sessions and their webhook events."""
import json
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, select, text

from app.extensions import db
from app.models.accounts import Role, User
from app.models.base import utcnow
from app.models.catalog import Category, Product, ProductStatus, ProductVariant
from app.models.orders import CheckoutSession, CheckoutStatus, PaymentProvider
from app.models.shops import Shop, ShopSettings

STOCK = 1_000_000  # never runs out: the bench measures throughput, not oversell
FEE_BPS = 1000
ADDRESS = {"name": "Bench Buyer", "line1": "1 Loopback Lane", "line2": "", "city": "Localhost",
           "region": "", "postal_code": "12345", "country": "US", "phone": ""}


@dataclass
class Event:
    session_id: str
    payload: str  # the JSON body, signed when sent
    shops: int  # how many orders it must create
    units: {int: int}  # variant_id -> quantity it must take from stock


def reset_schema(app):
    """Drop and rebuild the bench database through the real migrations."""
    from flask_migrate import upgrade

    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


def _insert(model, rows):
    """Insert rows and return their ids in order (PostgreSQL RETURNING)."""
    result = db.session.execute(insert(model).returning(model.id, sort_by_parameter_order=True),
                                rows)
    return [row[0] for row in result]


def seed_catalogue(app, shops=40, products_per_shop=4, buyers=500, seed=7):
    """Shops with products in plenty, buyers and one admin; returns the catalogue facts."""
    rng = random.Random(seed)
    with app.app_context():
        now = utcnow()
        owner_ids = _insert(User, [{"email": f"seller{n}@bench.local", "name": f"Seller {n}",
                                    "role": Role.SELLER, "password_hash": None}
                                   for n in range(shops)])
        buyer_ids = _insert(User, [{"email": f"buyer{n}@bench.local", "name": f"Buyer {n}",
                                    "role": Role.SHOPPER, "password_hash": None}
                                   for n in range(buyers)])
        _insert(User, [{"email": "admin@bench.local", "name": "Admin", "role": Role.ADMIN,
                        "password_hash": None}])
        shop_ids = _insert(Shop, [{"user_id": owner, "name": f"Bench shop {n}",
                                   "slug": f"bench-shop-{n}", "country": "US"}
                                  for n, owner in enumerate(owner_ids)])
        db.session.execute(insert(ShopSettings), [{"shop_id": s} for s in shop_ids])
        [category] = _insert(Category, [{"name": "Bench", "slug": "bench"}])
        catalogue = {}
        for shop_id in shop_ids:
            rows = [{"shop_id": shop_id, "category_id": category, "title": f"Item {shop_id}-{k}",
                     "slug": f"item-{shop_id}-{k}", "regular_price_cents": rng.randint(5, 80) * 100,
                     "status": ProductStatus.ACTIVE, "created_at": now, "updated_at": now}
                    for k in range(products_per_shop)]
            product_ids = _insert(Product, rows)
            variant_ids = _insert(ProductVariant, [{"product_id": p, "sku": f"B-{p}",
                                                    "stock": STOCK} for p in product_ids])
            catalogue[shop_id] = [(p, v, row["title"], row["regular_price_cents"])
                                  for p, v, row in zip(product_ids, variant_ids, rows,
                                                       strict=True)]
        db.session.commit()
        emails = dict(db.session.execute(select(User.id, User.email)
                                         .where(User.id.in_(buyer_ids))).all())
        return catalogue, emails


def _snapshot(rng, buyer_id, email, catalogue):
    shops = []
    for shop_id in rng.sample(sorted(catalogue), 1 if rng.random() < 0.6 else 2):
        lines = []
        for product_id, variant_id, title, price in rng.sample(catalogue[shop_id],
                                                               rng.randint(1, 2)):
            quantity = rng.randint(1, 3)
            lines.append({"product_id": product_id, "variant_id": variant_id, "title": title,
                          "sku": f"B-{product_id}", "color": "", "size": "",
                          "unit_price_cents": price, "quantity": quantity,
                          "line_total_cents": price * quantity})
        subtotal = sum(line["line_total_cents"] for line in lines)
        total = subtotal + 500
        shops.append({"shop_id": shop_id, "shop_name": f"Bench shop {shop_id}", "account_id": None,
                      "subtotal_cents": subtotal, "discount_cents": 0, "shipping_cents": 500,
                      "tax_cents": 0, "total_cents": total,
                      "platform_fee_cents": (total * FEE_BPS + 5000) // 10000, "lines": lines})
    amount = sum(shop["total_cents"] for shop in shops)
    return {"version": 1, "user_id": buyer_id, "email": email, "currency": "USD", "coupon": None,
            "address": ADDRESS, "shops": shops, "amount_cents": amount}


def create_checkouts(app, catalogue, emails, count, seed=11):
    """`count` open checkout sessions and the paid event of each (not yet signed)."""
    rng = random.Random(seed)
    stamp = time.strftime("%H%M%S")
    events, rows = [], []
    buyers = sorted(emails)
    expires = utcnow() + timedelta(hours=2)
    for n in range(count):
        buyer = rng.choice(buyers)
        snapshot = _snapshot(rng, buyer, emails[buyer], catalogue)
        session_id = f"cs_offline_bench{stamp}_{n:06d}"
        rows.append({"user_id": buyer, "provider": PaymentProvider.OFFLINE,
                     "provider_session_id": session_id, "cart_fingerprint": f"{n:064d}",
                     "amount_cents": snapshot["amount_cents"], "currency": "USD",
                     "status": CheckoutStatus.OPEN, "snapshot": snapshot,
                     "expires_at": expires})
        payload = json.dumps({
            "id": f"evt_bench{stamp}_{n:06d}", "object": "event",
            "type": "checkout.session.completed", "created": int(time.time()),
            "data": {"object": {
                "id": session_id, "object": "checkout.session", "payment_status": "paid",
                "payment_intent": f"pi_bench{stamp}_{n:06d}",
                "amount_total": snapshot["amount_cents"], "currency": "usd",
                "metadata": {"reference": session_id}}}}, separators=(",", ":"))
        units = {}
        for shop in snapshot["shops"]:
            for line in shop["lines"]:
                units[line["variant_id"]] = units.get(line["variant_id"], 0) + line["quantity"]
        events.append(Event(session_id, payload, len(snapshot["shops"]), units))
    with app.app_context():
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(CheckoutSession), rows[start:start + 1000])
        db.session.commit()
    return events


def schedule(events, replays, seed=13):
    """The send order: every event once, plus `replays` re-sent a little later."""
    rng = random.Random(seed)
    order = [(n, False) for n in range(len(events))]
    for n in rng.sample(range(len(events)), min(replays, len(events))):
        position = min(len(order), order.index((n, False)) + rng.randint(1, 200))
        order.insert(position, (n, True))
    return order
