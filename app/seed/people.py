"""Site settings, demo accounts (sellers and shoppers) and the sellers' shops."""
from slugify import slugify
from sqlalchemy import select

from app.extensions import db
from app.models.accounts import Address, Role, User
from app.models.shops import ShippingRate, Shop, ShopSettings, ShopStatus
from app.models.site import SiteConfig, TaxRate
from app.seed import texts
from app.seed.bulk import DAY, ShopInfo, insert_rows
from app.seed.items import CATEGORY_TREE
from app.services.accounts.passwords import hash_password

DEMO_SELLER = "seller@bazaar.example"
DEMO_SHOPPER = "shopper@bazaar.example"
DEMO_PASSWORD = "bazaar-demo-2026"
PLATFORM_FEE_BPS = 1000


class SeedConflict(Exception):
    """The database already holds something the demo would duplicate."""


def create_site(seed, logo_url=None, banner_url=None):
    """The single SiteConfig row (updated if present) and tax rates not set yet."""
    values = dict(site_name="Bazaar", logo_url=logo_url, banner_url=banner_url,
                  banner_title="Independent shops, one basket",
                  banner_subtitle="Gifts, homeware and little luxuries from makers across "
                                  "twelve countries.",
                  platform_fee_bps=PLATFORM_FEE_BPS, updated_at=seed.now)
    config = db.session.get(SiteConfig, 1)
    if config is None:
        db.session.add(SiteConfig(id=1, **values))
    else:  # an admin may have saved settings already: keep their fee, refresh the branding
        values.pop("platform_fee_bps")
        for key, value in values.items():
            setattr(config, key, value)
    db.session.flush()
    seed.site_fee_bps = db.session.get(SiteConfig, 1).platform_fee_bps
    existing = {c: r for c, r in db.session.execute(select(TaxRate.country, TaxRate.rate_bps))}
    new = [{"country": c, "rate_bps": bps, "updated_at": seed.now}
           for c, bps in texts.TAX_RATES.items() if c not in existing]
    insert_rows(TaxRate, new)
    seed.tax_bps = {**texts.TAX_RATES, **existing}
    seed.count("tax rates", len(new))


def _person(rng):
    return f"{rng.choice(texts.FIRST_NAMES)} {rng.choice(texts.LAST_NAMES)}"


def _place(rng, index=None):
    country, cities = texts.PLACES[index % len(texts.PLACES)] if index is not None \
        else rng.choice(texts.PLACES)
    return country, rng.choice(cities)


def create_accounts(seed):
    """Sellers (one per shop) and shoppers, all verified, all with the demo password."""
    rng = seed.rng
    sellers = [DEMO_SELLER] + [f"seller{n:03d}@bazaar.example"
                               for n in range(2, seed.shops_wanted + 1)]
    shoppers = [DEMO_SHOPPER] + [f"shopper{n:03d}@bazaar.example"
                                 for n in range(2, seed.shoppers_wanted + 1)]
    existing = set(db.session.scalars(
        select(User.email).where(User.email.like("%@bazaar.example"))))
    taken = sorted(existing.intersection(sellers + shoppers))
    if taken:
        raise SeedConflict(f"Demo accounts already exist ({', '.join(taken[:3])}, ...).")
    user_ids = seed.ids.take(User, len(sellers) + len(shoppers))
    users, addresses = [], []
    for n, (user_id, email) in enumerate(zip(user_ids, sellers + shoppers, strict=True)):
        is_seller = n < len(sellers)
        name = _person(rng)
        joined = seed.now - rng.uniform(30, 700) * DAY
        users.append(dict(
            id=user_id, email=email, name=name, password_hash=seed.password_hash,
            role=Role.SELLER if is_seller else Role.SHOPPER, is_banned=False,
            email_verified_at=joined, last_login_at=seed.now - rng.uniform(0, 20) * DAY,
            session_version=1, created_at=joined, updated_at=joined,
        ))
        if is_seller:
            seed.sellers.append((user_id, name, email))
            continue
        country, city = _place(rng)
        address = dict(
            user_id=user_id, label="Home", full_name=name,
            line1=f"{rng.randint(1, 220)} {rng.choice(texts.STREETS)}", line2=None, city=city,
            region=None, postal_code=f"{rng.randint(10000, 99999)}", country=country,
            phone=None, is_default=True, created_at=joined, updated_at=joined,
        )
        addresses.append(address)
        seed.shoppers.append((user_id, name, address))
    seed.count("users", insert_rows(User, users))
    seed.count("addresses", insert_rows(Address, addresses))


def _shop_names(rng, count):
    combos = [f"{a} {b}" for a in texts.SHOP_FIRST for b in texts.SHOP_SECOND]
    rng.shuffle(combos)
    names = combos[:count]
    while len(names) < count:  # more shops than combinations: number the rest
        names.append(f"{combos[len(names) % len(combos)]} {len(names) // len(combos) + 1}")
    return names


def create_shops(seed):
    """One shop per seller with settings, shipping rates, brands and a focus of categories."""
    rng = seed.rng
    tops = [top for top, _subs in CATEGORY_TREE]
    shop_ids = seed.ids.take(Shop, len(seed.sellers))
    shops, settings, rates, used_slugs = [], [], [], set()
    for n, (shop_id, (user_id, _name, email), name) in enumerate(
            zip(shop_ids, seed.sellers, _shop_names(rng, len(seed.sellers)), strict=True)):
        country, city = _place(rng, index=n)
        slug = slugify(name, max_length=120)
        while slug in used_slugs:
            slug = f"{slug}-{n}"
        used_slugs.add(slug)
        opened = seed.now - rng.uniform(60, 900) * DAY
        info = ShopInfo(
            id=shop_id, user_id=user_id, name=name, slug=slug,
            code=("".join(w[0] for w in slug.split("-") if w) + "XX")[:3].upper(),
            country=country,
            brands=tuple(_brand(rng) for _ in range(rng.randint(2, 4))),
            focus=frozenset(rng.sample(tops, rng.randint(2, 3))),
            # The demo seller's shop is the biggest, so its dashboard has plenty to show.
            weight=4.0 if n == 0 else rng.uniform(0.5, 2.0),
        )
        shops.append(dict(
            id=shop_id, user_id=user_id, name=name, slug=slug,
            description=f"{rng.choice(texts.SHOP_BLURBS)} Based in {city}.",
            logo_url=seed.shop_logos[n % len(seed.shop_logos)] if seed.shop_logos else None,
            banner_url=seed.shop_banners[n % len(seed.shop_banners)] if seed.shop_banners
            else None,
            country=country, city=city, email=email, phone=None, status=ShopStatus.ACTIVE,
            rating_avg=0.0, rating_count=0, followers_count=0,
            created_at=opened, updated_at=opened,
        ))
        settings.append(dict(shop_id=shop_id, low_stock_threshold=5, updated_at=opened))
        eu = [c for c in texts.EU_COUNTRIES if c != country]
        for group, countries, rate, free_over in (
            ("Domestic", [country], rng.choice((0, 295, 395, 495)), 5000),
            ("Europe", eu, rng.choice((795, 895, 995)), 10000),
            ("Rest of world", [], rng.choice((1295, 1495, 1995)), None),
        ):
            rates.append(dict(shop_id=shop_id, country_group=group, countries=countries,
                              rate_cents=rate, free_over_cents=free_over, currency="USD",
                              created_at=opened, updated_at=opened))
            info.rates.append((frozenset(countries), rate, free_over))
        seed.shops.append(info)
    seed.count("shops", insert_rows(Shop, shops))
    insert_rows(ShopSettings, settings)
    seed.count("shipping rates", insert_rows(ShippingRate, rates))


def _brand(rng):
    return f"{rng.choice(texts.BRAND_PARTS)}{rng.choice(texts.BRAND_SUFFIXES)}"


def shipping_for(shop, country, subtotal_cents):
    """The shop's first rate covering the country, as ShippingRate.covers/price_for do."""
    for countries, rate, free_over in shop.rates:
        if not countries or country in countries:
            return 0 if free_over is not None and subtotal_cents >= free_over else rate
    return 0


def hash_demo_password():
    # Argon2 is slow on purpose: hash once, every demo account shares the hash.
    return hash_password(DEMO_PASSWORD)

