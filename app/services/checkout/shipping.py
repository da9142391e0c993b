"""Shipping per shop: a flat rate per group of countries, free over a threshold."""
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models.shops import ShippingRate


@dataclass(frozen=True)
class ShippingQuote:
    cents: int
    group: str  # the rate's country group, e.g. "Europe"
    free_over_cents: int | None
    waived: bool  # the free-shipping threshold was reached


def rates_by_shop(shop_ids):
    """{shop_id: [ShippingRate]} for the given shops, in one query."""
    ids = {i for i in shop_ids if i is not None}
    rates = {shop_id: [] for shop_id in ids}
    if not ids:
        return rates
    query = select(ShippingRate).where(ShippingRate.shop_id.in_(ids)).order_by(ShippingRate.id)
    for rate in db.session.scalars(query):
        rates[rate.shop_id].append(rate)
    return rates


def pick_rate(rates, country):
    """The rate for `country`: one naming the country beats an "everywhere else" rate (an
    empty country list); earlier rates win ties. None when the shop does not ship there."""
    if not country:
        return None
    country = country.upper()
    named = [r for r in rates if r.countries and country in r.countries]
    if named:
        return named[0]
    return next((r for r in rates if not r.countries), None)


def quote(rates, country, subtotal_cents):
    """A ShippingQuote for a shop's goods (subtotal before discounts), or None if it cannot
    ship to `country`."""
    rate = pick_rate(rates, country)
    if rate is None:
        return None
    cents = rate.price_for(subtotal_cents)
    return ShippingQuote(cents=cents, group=rate.country_group,
                         free_over_cents=rate.free_over_cents,
                         waived=cents == 0 and rate.rate_cents > 0)
