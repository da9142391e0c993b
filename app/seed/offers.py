"""Shop events (time-boxed percentage offers) and discount codes, around the current date."""
from slugify import slugify
from sqlalchemy import select

from app.extensions import db
from app.models.catalog import DiscountCode, Event, EventProduct
from app.seed.bulk import DAY, insert_rows

EVENT_TITLES = ("Weekend Flash Sale", "Spring Clear-Out", "Christmas Countdown",
                "Summer Garden Days", "Anniversary Sale", "Cosy Nights In", "Back to School",
                "Maker's Week")
EVENT_SHOPS_CAP = 60  # events are decoration: a 200-shop seed does not need 200 of them


def create_events(seed):
    """A live and an upcoming event for every third shop (the demo seller's first)."""
    rng = seed.rng
    chosen = [s for n, s in enumerate(seed.shops) if n % 3 == 0][:EVENT_SHOPS_CAP]
    events, links = [], []
    for n, shop in enumerate(chosen):
        if not shop.sample:
            continue
        started = rng.uniform(1, 5)
        windows = [(-started, started + rng.uniform(2, 10)),  # live now
                   (rng.uniform(4, 14), rng.uniform(5, 10))]  # starts soon
        if n == 0:
            windows.append((-40, 7))  # one that has ended, for the seller's history
        titles = rng.sample(EVENT_TITLES, len(windows))
        for title, (start_days, length_days) in zip(titles, windows, strict=True):
            event_id = seed.ids.take(Event)[0]
            starts = (seed.now + start_days * DAY).replace(minute=0, second=0, microsecond=0)
            percent = rng.choice((10, 15, 20, 25, 30))
            events.append(dict(
                id=event_id, shop_id=shop.id, title=title,
                slug=slugify(f"{shop.slug}-{title}-{event_id}", max_length=150),
                description=f"{percent}% off a hand-picked selection at {shop.name.rstrip('.')}.",
                banner_url=seed.shop_banners[event_id % len(seed.shop_banners)]
                if seed.shop_banners else None,
                discount_percent=percent, starts_at=starts, ends_at=starts + length_days * DAY,
                created_at=seed.now - 10 * DAY, updated_at=seed.now - 10 * DAY,
            ))
            picked = rng.sample(shop.sample, min(len(shop.sample), rng.randint(4, 10)))
            links.extend(dict(event_id=event_id, product_id=p.id) for p in picked)
    seed.count("events", insert_rows(Event, events))
    insert_rows(EventProduct, links)


def create_discount_codes(seed):
    """WELCOME10 for the whole marketplace, codes for some shops, and one expired code."""
    rng = seed.rng
    rows = []
    exists = db.session.scalar(select(DiscountCode.id).where(
        DiscountCode.shop_id.is_(None), DiscountCode.code == "WELCOME10"))
    if exists is None:
        rows.append(_code(seed, None, "WELCOME10", percent=10))
    for n, shop in enumerate(seed.shops[:40]):
        if n % 4:
            continue
        word = shop.slug.split("-")[0].upper()[:10]
        if rng.random() < 0.5:
            rows.append(_code(seed, shop.id, f"{word}15", percent=15, days=(-10, 30),
                              max_uses=200))
        else:
            rows.append(_code(seed, shop.id, f"{word}5OFF", amount=500, minimum=3000,
                              days=(-5, 45)))
    rows.append(_code(seed, seed.shops[0].id, "SUMMER20", percent=20, days=(-150, -90),
                      max_uses=100))
    seed.count("discount codes", insert_rows(DiscountCode, rows))


def _code(seed, shop_id, code, percent=None, amount=None, minimum=0, days=None, max_uses=None):
    starts, ends = (None, None) if days is None else (
        seed.now + days[0] * DAY, seed.now + days[1] * DAY)
    return dict(shop_id=shop_id, code=code, percent_off=percent, amount_off_cents=amount,
                currency="USD", min_subtotal_cents=minimum, starts_at=starts, ends_at=ends,
                max_uses=max_uses, used_count=0, is_active=True,
                created_at=seed.now - 30 * DAY, updated_at=seed.now - 30 * DAY)
