"""Analytics events with the counters they add up to, and a few notifications."""
from collections import Counter, defaultdict

from app.models.analytics import (
    AnalyticsEvent,
    AnalyticsKind,
    ProductCounter,
    ShopCounter,
    ShopDailyVisitor,
    UserCounter,
)
from app.models.notifications import Notification
from app.models.orders import OrderStatus
from app.seed import texts
from app.seed.bulk import DAY, insert_rows

EVENTS_CAP = 6000  # "a few thousand": dashboards need shape, not volume
DEVICES = (
    ("mobile", 55, (("Safari", "iOS"), ("Chrome", "Android"), ("Samsung Internet", "Android"))),
    ("desktop", 38, (("Chrome", "Windows"), ("Edge", "Windows"), ("Firefox", "Windows"),
                     ("Safari", "macOS"), ("Chrome", "macOS"), ("Firefox", "Linux"))),
    ("tablet", 7, (("Safari", "iPadOS"), ("Chrome", "Android"))),
)
BROWSING = ((AnalyticsKind.PRODUCT_VIEW, 70), (AnalyticsKind.ADD_TO_CART, 12),
            (AnalyticsKind.SHOP_VISIT, 18))


def event_target(products):
    return max(300, min(EVENTS_CAP, products * 10))


def _visitors(seed):
    """Signed-in shoppers and anonymous sessions, each on one device, browser and country."""
    rng = seed.rng
    people = [(user_id, f"user-{user_id}", address["country"])
              for user_id, _name, address in seed.shoppers]
    people += [(None, f"anon-{rng.getrandbits(64):016x}",
                rng.choice(texts.PLACES)[0]) for _ in range(max(30, len(people)))]
    visitors = {}
    for user_id, key, country in people:
        device, _weight, combos = rng.choices(DEVICES, weights=[d[1] for d in DEVICES])[0]
        browser, os_name = rng.choice(combos)
        visitors[key] = (user_id, key, country, device, browser, os_name)
    return visitors


def _event(kind, visitor, product_id, shop_id, when, quantity=1, amount=0):
    user_id, key, country, device, browser, os_name = visitor
    return dict(kind=kind, user_id=user_id, session_key=key, product_id=product_id,
                shop_id=shop_id, device_type=device, browser=browser, os=os_name,
                country=country, quantity=quantity, amount_cents=amount, created_at=when)


def create_analytics(seed):
    """Purchase events for every order line, browsing events around them, and the counters."""
    rng = seed.rng
    visitors = _visitors(seed)
    keys = list(visitors)
    rows = []
    for order in seed.orders:
        visitor = visitors[f"user-{order.user_id}"]
        for _item, product_id, quantity, total in order.lines:
            rows.append(_event(AnalyticsKind.PURCHASE, visitor, product_id, order.shop_id,
                               order.placed_at, quantity, total))
    shops = [s for s in seed.shops if s.sample]
    kinds, weights = zip(*BROWSING, strict=True)
    shop_weights = [s.weight for s in shops]
    for _ in range(max(0, event_target(seed.products) - len(rows)) if shops else 0):
        shop = rng.choices(shops, weights=shop_weights)[0]
        # Squaring skews views to the first products of a shop: a few popular, a long tail.
        product = shop.sample[int(len(shop.sample) * rng.random() ** 2)]
        kind = rng.choices(kinds, weights=weights)[0]
        when = seed.now - rng.uniform(0, 30) * DAY
        rows.append(_event(kind, visitors[rng.choice(keys)],
                           None if kind == AnalyticsKind.SHOP_VISIT else product.id,
                           shop.id, when))
    seed.count("analytics events", insert_rows(AnalyticsEvent, rows))
    _counters(seed, rows)


def _counters(seed, rows):
    """Counters exactly as the tracking service would have bumped them for these events."""
    products = defaultdict(Counter)
    shops = defaultdict(Counter)
    users = defaultdict(Counter)
    daily = set()
    field = {AnalyticsKind.PRODUCT_VIEW: "views", AnalyticsKind.ADD_TO_CART: "carts"}
    for row in rows:
        kind = row["kind"]
        if kind == AnalyticsKind.SHOP_VISIT:
            shops[row["shop_id"]]["visits"] += 1
            daily.add((row["shop_id"], row["created_at"].date(), row["session_key"]))
        elif kind == AnalyticsKind.PURCHASE:
            products[row["product_id"]]["purchases"] += row["quantity"]
            products[row["product_id"]]["revenue_cents"] += row["amount_cents"]
            shops[row["shop_id"]]["revenue_cents"] += row["amount_cents"]
        else:
            products[row["product_id"]][field[kind]] += 1
        if row["user_id"] is not None and kind != AnalyticsKind.SHOP_VISIT:
            users[row["user_id"]][
                "purchases" if kind == AnalyticsKind.PURCHASE else field[kind]
            ] += row["quantity"] if kind == AnalyticsKind.PURCHASE else 1
    for order in seed.orders:
        shops[order.shop_id]["orders"] += 1
    for shop_id, _day, _key in daily:
        shops[shop_id]["unique_visitors"] += 1
    now = seed.now
    insert_rows(ProductCounter, (
        dict(product_id=pid, updated_at=now, wishlists=0, **_all(c, "views", "carts",
                                                              "purchases", "revenue_cents"))
        for pid, c in products.items()))
    insert_rows(ShopCounter, (
        dict(shop_id=sid, updated_at=now, **_all(c, "visits", "unique_visitors", "orders",
                                                 "revenue_cents"))
        for sid, c in shops.items()))
    insert_rows(UserCounter, (
        dict(user_id=uid, updated_at=now, wishlists=0, **_all(c, "views", "carts", "purchases"))
        for uid, c in users.items()))
    insert_rows(ShopDailyVisitor, (dict(shop_id=s, day=d, visitor_key=k) for s, d, k in daily))
    seed.count("counters", len(products) + len(shops) + len(users))


def _all(counter, *names):
    return {name: counter[name] for name in names}


def create_notifications(seed):
    """A handful of unread notifications so the demo seller's and shopper's bells light up."""
    seller_id, shop = seed.sellers[0][0], seed.shops[0]
    shopper_id = seed.shoppers[0][0]
    rows = []
    shop_orders = sorted((o for o in seed.orders if o.shop_id == shop.id),
                         key=lambda o: o.placed_at, reverse=True)
    for order in shop_orders[:2]:
        rows.append(_note(seller_id, f"New order {order.number}",
                          f"{sum(line[2] for line in order.lines)} item(s) to pack.",
                          "/seller/orders", order.placed_at))
    low = next(((p, v) for p in shop.sample for v in p.variants if 0 < v[4] <= 4), None)
    if low:
        product, variant = low
        rows.append(_note(seller_id, "Running low on stock",
                          f"{product.title}: {variant[4]} left.", "/seller/products",
                          seed.now - 3 * DAY))
    mine = sorted((o for o in seed.orders if o.user_id == shopper_id),
                  key=lambda o: o.placed_at, reverse=True)
    shipped = next((o for o in mine if o.status in (OrderStatus.SHIPPED,
                                                     OrderStatus.OUT_FOR_DELIVERY)), None)
    if shipped:
        rows.append(_note(shopper_id, f"Order {shipped.number} is on its way",
                          "Track it from your orders page.", "/account/orders", seed.now - DAY))
    rows.append(_note(shopper_id, "Welcome to Bazaar",
                      "Use WELCOME10 for 10% off your next order.", "/", seed.now - 30 * DAY))
    seed.count("notifications", insert_rows(Notification, rows))


def _note(receiver_id, title, message, link, when):
    return dict(creator_id=None, receiver_id=receiver_id, title=title, message=message,
                link=link, is_read=False, read_at=None, created_at=when)
