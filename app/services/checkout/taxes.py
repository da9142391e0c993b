"""Tax by destination country: added to prices, or already inside them (one site setting)."""
from sqlalchemy import select

from app.extensions import db
from app.models.site import SiteConfig, TaxRate

BPS = 10_000  # basis points in a whole


def half_up(numerator, denominator):
    """numerator / denominator rounded to the nearest whole number, halves up (non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def rate_bps(country):
    """The tax rate for a destination country in basis points; 0 where none is set."""
    if not country:
        return 0
    rate = db.session.scalar(select(TaxRate.rate_bps).where(TaxRate.country == country.upper()))
    return rate or 0


def site_settings():
    """(tax_inclusive, platform_fee_bps) from the site settings row, model defaults if none."""
    row = db.session.execute(
        select(SiteConfig.tax_inclusive, SiteConfig.platform_fee_bps).where(SiteConfig.id == 1)
    ).first()
    if row is None:
        return False, SiteConfig.__table__.c.platform_fee_bps.default.arg
    return bool(row.tax_inclusive), row.platform_fee_bps


def tax_cents(amount_cents, bps, inclusive):
    """The tax on `amount_cents` of goods.

    Exclusive prices: the tax added on top (amount x rate). Inclusive prices: the tax already
    inside the amount (amount x rate / (1 + rate)), shown but not added. Rounded half up.
    """
    if amount_cents <= 0 or bps <= 0:
        return 0
    if inclusive:
        return half_up(amount_cents * bps, BPS + bps)
    return half_up(amount_cents * bps, BPS)


def platform_fee_cents(amount_cents, fee_bps):
    """The marketplace's share of what a shop is paid, rounded half up."""
    return half_up(max(0, amount_cents) * fee_bps, BPS)
