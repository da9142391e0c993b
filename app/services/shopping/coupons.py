"""Discount codes: one per cart, checked against the cart's lines every time it is priced."""
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import DiscountCode
from app.models.shops import Shop
from app.templating import format_money

MAX_CODE_LENGTH = 40  # the column's width
_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]*")


class CouponError(Exception):
    """A code that cannot be used; the message says why."""


@dataclass
class CouponCheck:
    code: str
    discount_cents: int = 0
    reason: str | None = None
    shop_name: str | None = None  # set for shop-only codes
    discount_code_id: int | None = None  # the row this check is about (None: unknown code)
    shop_id: int | None = None  # set for shop-only codes

    @property
    def applicable(self):
        return self.reason is None


@dataclass
class Totals:
    subtotal_cents: int
    coupon: CouponCheck | None = None

    @property
    def discount_cents(self):
        return self.coupon.discount_cents if self.coupon and self.coupon.applicable else 0

    @property
    def total_cents(self):
        return max(0, self.subtotal_cents - self.discount_cents)


def normalise(raw):
    """A typed code as stored (trimmed, upper case), or CouponError saying what is wrong."""
    code = DiscountCode.normalise(unicodedata.normalize("NFKC", raw or "")
                                  if isinstance(raw, str) else "")
    if not code:
        raise CouponError("Enter a discount code.")
    if len(code) > MAX_CODE_LENGTH:
        raise CouponError(f"Discount codes are at most {MAX_CODE_LENGTH} characters.")
    if not _CODE.fullmatch(code):
        raise CouponError("Discount codes use letters, numbers, hyphens and underscores only.")
    return code


def _day(moment):
    return f"{moment.day} {moment:%b %Y}"


def _evaluate(code, summary, now, shop_names):
    """One DiscountCode against the cart: a CouponCheck with the discount or the reason."""
    shop_name = shop_names.get(code.shop_id) if code.shop_id else None
    check = CouponCheck(code=code.code, shop_name=shop_name, discount_code_id=code.id,
                        shop_id=code.shop_id)
    name = code.code
    if not code.is_active:
        check.reason = f"The code {name} is no longer active."
    elif code.starts_at is not None and now < code.starts_at:
        check.reason = f"The code {name} can be used from {_day(code.starts_at)}."
    elif code.ends_at is not None and now >= code.ends_at:
        check.reason = f"The code {name} expired on {_day(code.ends_at)}."
    elif code.max_uses is not None and code.used_count >= code.max_uses:
        check.reason = f"The code {name} has been used up."
    elif code.amount_off_cents and code.currency != summary.currency:
        check.reason = f"The code {name} is for prices in {code.currency}."
    if check.reason:
        return check
    if code.shop_id and not any(g.shop.id == code.shop_id for g in summary.groups):
        check.reason = f"The code {name} is only for items from {shop_name or 'another shop'}."
        return check
    eligible = summary.shop_subtotal(code.shop_id) if code.shop_id else summary.subtotal_cents
    where = f" from {shop_name}" if code.shop_id else ""
    if eligible <= 0:
        check.reason = f"Add items{where} that are in stock to use the code {name}."
    elif eligible < code.min_subtotal_cents:
        missing = format_money(code.min_subtotal_cents - eligible, summary.currency)
        minimum = format_money(code.min_subtotal_cents, summary.currency)
        check.reason = (f"Add {missing} more{where} to use the code {name} "
                        f"(it needs a subtotal of {minimum}).")
    elif code.percent_off:
        check.discount_cents = min(eligible, (eligible * code.percent_off + 50) // 100)
    else:
        check.discount_cents = min(eligible, code.amount_off_cents)
    return check


def check(raw_code, summary, now=None):
    """The best use of a code for this cart (a CouponCheck); CouponError for junk input.

    The same text may be a marketplace code and several shops' codes: the one that saves the
    most wins; if none applies, the reason shown is for the code nearest to applying.
    """
    code = normalise(raw_code)
    now = now or utcnow()
    candidates = db.session.scalars(
        select(DiscountCode).where(DiscountCode.code == code).order_by(DiscountCode.id)).all()
    if not candidates:
        return CouponCheck(code=code, reason=f"We do not know the code {code}. "
                                             "Check the spelling and try again.")
    in_cart = {g.shop.id: g.shop.name for g in summary.groups}
    missing = {c.shop_id for c in candidates if c.shop_id and c.shop_id not in in_cart}
    names = dict(in_cart)
    if missing:
        names |= dict(db.session.execute(
            select(Shop.id, Shop.name).where(Shop.id.in_(missing))).all())
    checks = [(_evaluate(c, summary, now, names), c) for c in candidates]
    usable = [c for c, _ in checks if c.applicable]
    if usable:
        return max(usable, key=lambda c: c.discount_cents)
    # Prefer explaining a code for a shop in the cart, then a marketplace-wide one.
    checks.sort(key=lambda pair: 0 if pair[1].shop_id in in_cart else
                1 if pair[1].shop_id is None else 2)
    return checks[0][0]


def totals(summary, stored_code=None, now=None):
    """Subtotal, the stored code re-checked against the cart as it is now, and the total."""
    coupon = None
    if stored_code:
        try:
            coupon = check(stored_code, summary, now)
        except CouponError:
            coupon = None
    return Totals(subtotal_cents=summary.subtotal_cents, coupon=coupon)
