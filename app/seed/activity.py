"""Past shopping: checkouts, payments, orders with timelines, ledger, reviews and follows."""
import bisect
import hashlib
import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update

from app.extensions import db
from app.models.catalog import Product, Review
from app.models.orders import (
    ORDER_FLOW,
    CheckoutSession,
    CheckoutStatus,
    LedgerEntry,
    LedgerKind,
    Order,
    OrderItem,
    OrderStatus,
    OrderStatusEvent,
    Payment,
    PaymentProvider,
    PaymentStatus,
)
from app.models.shops import Shop, ShopFollower
from app.seed import texts
from app.seed.bulk import DAY, insert_rows
from app.seed.people import shipping_for

ORDERS_CAP = 1500  # orders grow with the catalogue up to here, so a 100k seed stays quick
HOUR = timedelta(hours=1)
# Hours each fulfilment step takes after the previous one (min, max).
STEP_HOURS = ((2, 20), (6, 40), (20, 72), (2, 10))
STEP_NOTES = {
    OrderStatus.PLACED: "Order placed and paid",
    OrderStatus.PACKED: "Packed and ready to ship",
    OrderStatus.SHIPPED: "Handed to the carrier",
    OrderStatus.OUT_FOR_DELIVERY: "Out for delivery",
    OrderStatus.DELIVERED: "Delivered",
}


@dataclass
class OrderFact:
    """What later steps (reviews, analytics, notifications) need to know about an order."""

    id: int
    number: str
    user_id: int
    shop_id: int
    status: OrderStatus
    placed_at: object
    delivered_at: object
    country: str
    lines: list  # [(order item id, product id, quantity, line total cents)]


def order_target(products):
    return max(10, min(ORDERS_CAP, products // 2))


def _timeline(rng, placed, now):
    """[(status, when)] from placed as far along ORDER_FLOW as the order has got by now."""
    steps, when = [(OrderStatus.PLACED, placed)], placed
    for status, (low, high) in zip(ORDER_FLOW[1:], STEP_HOURS, strict=True):
        when += rng.uniform(low, high) * HOUR
        if when > now:
            break
        steps.append((status, when))
    return steps


def _lines(rng, shop):
    """1-3 distinct products of the shop, each with an in-stock variant where there is one."""
    lines = []
    for product in rng.sample(shop.sample, min(len(shop.sample), rng.choice((1, 1, 2, 3)))):
        in_stock = [v for v in product.variants if v[4] > 0] or product.variants
        quantity = 1 if rng.random() < 0.75 else rng.randint(2, 3)
        lines.append((product, rng.choice(in_stock), quantity))
    return lines


def create_orders(seed):
    rng, now = seed.rng, seed.now
    shops = [s for s in seed.shops if s.sample]
    if not shops or not seed.shoppers:
        return
    cumulative = list(itertools.accumulate(s.weight for s in shops))
    sessions, payments, orders, items, events, ledger = [], [], [], [], [], []
    seller_of = {s.id: s.user_id for s in seed.shops}
    checkout = 0
    while len(orders) < order_target(seed.products):
        # Every eighth checkout is the demo shopper's, so that account has a real history.
        demo = checkout % 8 == 0
        buyer_id, _name, address = seed.shoppers[0] if demo else rng.choice(seed.shoppers)
        # A third within the last week (half, for the demo shopper), so every fulfilment
        # status is on show.
        recent = rng.random() < (0.5 if demo else 0.33)
        age = rng.uniform(0.02, 5) if recent else rng.uniform(7, 120)
        checkout += 1
        placed = now - age * DAY
        picked = {shops[0] if rng.random() < 0.25 else
                  shops[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
                  for _ in range(1 if rng.random() < 0.8 else 2)}
        payment_id = seed.ids.take(Payment)[0]
        session_id = f"demo_cs_{payment_id:08d}"
        paid = 0
        for shop in sorted(picked, key=lambda s: s.id):
            order_id = seed.ids.take(Order)[0]
            number = f"BZ{placed:%y%m}-{order_id:06d}"
            lines, facts, subtotal = _lines(rng, shop), [], 0
            for product, (variant_id, sku, color, size, _stock), quantity in lines:
                item_id = seed.ids.take(OrderItem)[0]
                line_total = product.price_cents * quantity
                subtotal += line_total
                items.append(dict(
                    id=item_id, order_id=order_id, product_id=product.id, variant_id=variant_id,
                    title=product.title, sku=sku, color=color or None, size=size or None,
                    unit_price_cents=product.price_cents, quantity=quantity,
                    line_total_cents=line_total, refunded_quantity=0))
                facts.append((item_id, product.id, quantity, line_total))
            country = address["country"]
            shipping = shipping_for(shop, country, subtotal)
            tax = (subtotal * seed.tax_bps.get(country, 0) + 5000) // 10000
            total = subtotal + shipping + tax
            paid += total
            steps = _timeline(rng, placed, now)
            status, last = steps[-1]
            times = dict.fromkeys(f"{s.value}_at" for s in ORDER_FLOW)
            times.update((f"{s.value}_at", when) for s, when in steps)
            orders.append(dict(
                id=order_id, number=number, user_id=buyer_id, shop_id=shop.id,
                shop_name=shop.name, checkout_session_id=session_id, payment_id=payment_id,
                status=status, subtotal_cents=subtotal, discount_cents=0,
                shipping_cents=shipping, tax_cents=tax, total_cents=total, currency="USD",
                ship_name=address["full_name"], ship_line1=address["line1"], ship_line2=None,
                ship_city=address["city"], ship_region=None,
                ship_postal_code=address["postal_code"], ship_country=country, ship_phone=None,
                tracking_number=f"DM{rng.randint(10 ** 9, 10 ** 10 - 1)}"
                if times["shipped_at"] else None,
                created_at=placed, updated_at=last, **times))
            events.extend(dict(
                order_id=order_id, status=s, note=STEP_NOTES[s], created_at=when,
                actor_user_id=buyer_id if s == OrderStatus.PLACED else seller_of[shop.id])
                for s, when in steps)
            fee = (total * seed.site_fee_bps + 5000) // 10000
            for kind, amount, memo in ((LedgerKind.CHARGE, total, f"Order {number}"),
                                       (LedgerKind.PLATFORM_FEE, -fee, f"Platform fee {number}")):
                ledger.append(dict(shop_id=shop.id, order_id=order_id, payment_id=payment_id,
                                   kind=kind, amount_cents=amount, currency="USD",
                                   provider_reference=session_id, memo=memo, created_at=placed))
            seed.orders.append(OrderFact(order_id, number, buyer_id, shop.id, status, placed,
                                         times["delivered_at"], country, facts))
        payments.append(dict(
            id=payment_id, provider=PaymentProvider.OFFLINE, provider_session_id=session_id,
            provider_payment_id=f"demo_pi_{payment_id:08d}", user_id=buyer_id,
            amount_cents=paid, currency="USD", status=PaymentStatus.PAID, refunded_cents=0,
            paid_at=placed, raw=None, created_at=placed, updated_at=placed))
        opened = placed - rng.uniform(2, 15) * timedelta(minutes=1)
        sessions.append(dict(
            user_id=buyer_id, provider=PaymentProvider.OFFLINE, provider_session_id=session_id,
            cart_fingerprint=hashlib.sha256(session_id.encode()).hexdigest(),
            amount_cents=paid, currency="USD", status=CheckoutStatus.PAID, url=None,
            snapshot=None, expires_at=opened + timedelta(minutes=30), created_at=opened,
            updated_at=placed))
    seed.count("checkout sessions", insert_rows(CheckoutSession, sessions))
    seed.count("payments", insert_rows(Payment, payments))
    seed.count("orders", insert_rows(Order, orders))
    seed.count("order items", insert_rows(OrderItem, items))
    seed.count("order status events", insert_rows(OrderStatusEvent, events))
    seed.count("ledger entries", insert_rows(LedgerEntry, ledger))


def create_reviews(seed):
    """Reviews of delivered products by the shoppers who bought them; caches to match."""
    rng = seed.rng
    rows, reviewed = [], set()
    product_shop = {}
    for order in seed.orders:
        if order.status != OrderStatus.DELIVERED:
            continue
        for item_id, product_id, _quantity, _total in order.lines:
            product_shop[product_id] = order.shop_id
            if (order.user_id, product_id) in reviewed or rng.random() > 0.6:
                continue
            reviewed.add((order.user_id, product_id))
            rating = rng.choices(range(1, 6), weights=texts.REVIEW_WEIGHTS)[0]
            title, body = rng.choice(texts.REVIEWS[rating])
            written = min(seed.now, order.delivered_at + rng.uniform(0.5, 12) * DAY)
            rows.append(dict(product_id=product_id, shop_id=order.shop_id,
                             user_id=order.user_id, order_item_id=item_id, rating=rating,
                             title=title, body=body, is_verified_purchase=True,
                             created_at=written, updated_at=written))
    seed.count("reviews", insert_rows(Review, rows))
    by_product, by_shop, sold = defaultdict(list), defaultdict(list), defaultdict(int)
    for row in rows:
        by_product[row["product_id"]].append(row["rating"])
        by_shop[row["shop_id"]].append(row["rating"])
    for order in seed.orders:
        for _item, product_id, quantity, _total in order.lines:
            sold[product_id] += quantity
    product_rows = [dict(id=pid, sold_count=count, rating_count=len(by_product[pid]),
                         rating_avg=_average(by_product[pid])) for pid, count in sold.items()]
    if product_rows:
        db.session.execute(update(Product), product_rows)
    shop_rows = [dict(id=sid, rating_count=len(r), rating_avg=_average(r))
                 for sid, r in by_shop.items()]
    if shop_rows:
        db.session.execute(update(Shop), shop_rows)


def _average(ratings):
    return round(sum(ratings) / len(ratings), 2) if ratings else 0.0


def create_follows(seed):
    """Each shopper follows a few shops (the demo shopper includes the demo shop)."""
    rng = seed.rng
    rows, counts = [], defaultdict(int)
    for n, (user_id, _name, _address) in enumerate(seed.shoppers):
        chosen = rng.sample(seed.shops, min(len(seed.shops), rng.randint(0, 5)))
        if n == 0 and seed.shops[0] not in chosen:
            chosen.append(seed.shops[0])
        for shop in chosen:
            rows.append(dict(shop_id=shop.id, user_id=user_id,
                             created_at=seed.now - rng.uniform(1, 200) * DAY))
            counts[shop.id] += 1
    seed.count("shop followers", insert_rows(ShopFollower, rows))
    if counts:
        db.session.execute(update(Shop), [dict(id=s, followers_count=c) for s, c in counts.items()])
