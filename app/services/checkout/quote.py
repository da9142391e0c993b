"""Checkout totals per shop (discount, shipping, tax, platform fee) and the order snapshot."""
import hashlib
import json
from dataclasses import dataclass, field

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import DiscountCode
from app.services.checkout import shipping, taxes
from app.services.checkout.shipping import ShippingQuote
from app.services.shopping import cart_summary, coupons
from app.services.shopping.cart import UserCart
from app.templating import format_money

SNAPSHOT_VERSION = 1
MIN_CHARGE_CENTS = 50  # Stripe's smallest card payment in USD


class CheckoutError(Exception):
    """Checkout cannot go ahead as things stand; the message is for the shopper."""


class EmptyCart(CheckoutError):
    def __init__(self):
        super().__init__("Your cart is empty. Add something before checking out.")


class CartNeedsAttention(CheckoutError):
    def __init__(self, count):
        super().__init__(f"{count} item{'s' if count != 1 else ''} in your cart need"
                         f"{'' if count != 1 else 's'} your attention before checkout.")


@dataclass
class ShopQuote:
    shop: object
    lines: list
    subtotal_cents: int
    discount_cents: int = 0
    shipping: ShippingQuote | None = None
    tax_cents: int = 0
    total_cents: int = 0
    platform_fee_cents: int = 0
    problem: str | None = None  # cannot ship there, cannot take payment

    @property
    def shipping_cents(self):
        return self.shipping.cents if self.shipping else 0


@dataclass
class Quote:
    shops: list
    currency: str
    tax_inclusive: bool
    tax_rate_bps: int
    address: object | None = None
    coupon: coupons.CouponCheck | None = None
    discount_code: DiscountCode | None = None  # the code applied, if any
    notes: list = field(default_factory=list)  # blocking problems not tied to one shop

    def _sum(self, name):
        return sum(getattr(s, name) for s in self.shops)

    subtotal_cents = property(lambda self: self._sum("subtotal_cents"))
    discount_cents = property(lambda self: self._sum("discount_cents"))
    shipping_cents = property(lambda self: self._sum("shipping_cents"))
    tax_cents = property(lambda self: self._sum("tax_cents"))
    total_cents = property(lambda self: self._sum("total_cents"))
    platform_fee_cents = property(lambda self: self._sum("platform_fee_cents"))

    @property
    def problems(self):
        return [s.problem for s in self.shops if s.problem] + self.notes

    @property
    def payable(self):
        return self.address is not None and not self.problems


def ready_summary(user_id, now=None):
    """The shopper's cart priced now; EmptyCart or CartNeedsAttention when it cannot be paid."""
    summary = cart_summary.summarise(UserCart(user_id).quantities(), now)
    if summary.problems or summary.missing:
        raise CartNeedsAttention(len(summary.problems) + summary.missing)
    if summary.is_empty or summary.payable_count == 0:
        raise EmptyCart()
    return summary


def split_discount(discount_cents, subtotals):
    """Share `discount_cents` across {shop_id: subtotal} in proportion, whole cents that add up
    exactly (largest remainders get the odd cents; earlier shops win ties)."""
    total = sum(subtotals.values())
    if discount_cents <= 0 or total <= 0:
        return dict.fromkeys(subtotals, 0)
    shares, remainders = {}, []
    for index, (shop_id, subtotal) in enumerate(subtotals.items()):
        shares[shop_id], remainder = divmod(discount_cents * subtotal, total)
        remainders.append((-remainder, index, shop_id))
    for _, _, shop_id in sorted(remainders)[:discount_cents - sum(shares.values())]:
        shares[shop_id] += 1
    return shares


def _applied_code(check):
    """The DiscountCode row behind an applicable CouponCheck."""
    return db.session.get(DiscountCode, check.discount_code_id)


def quote(summary, *, stored_code=None, address=None, needs_accounts=False, now=None,
          destination_name=None):
    """Totals per shop for `summary` shipped to `address` (None: not chosen yet).

    Shipping is priced on each shop's goods before discounts; tax is on goods after
    discounts (shipping is not taxed); the platform fee is on what the shop is paid.
    needs_accounts: shops without a Stripe connected account cannot take payment.
    """
    now = now or utcnow()
    inclusive, fee_bps = taxes.site_settings()
    country = address.country if address is not None else None
    place = destination_name or country
    result = Quote(shops=[], currency=summary.currency, tax_inclusive=inclusive,
                   tax_rate_bps=taxes.rate_bps(country), address=address)
    totals = coupons.totals(summary, stored_code, now)
    result.coupon = totals.coupon
    groups = [g for g in summary.groups if g.subtotal_cents > 0]
    eligible = {g.shop.id: g.subtotal_cents for g in groups}
    if totals.discount_cents:
        result.discount_code = _applied_code(totals.coupon)
        if result.discount_code is not None and result.discount_code.shop_id is not None:
            eligible = {i: (s if i == result.discount_code.shop_id else 0)
                        for i, s in eligible.items()}
    discounts = split_discount(totals.discount_cents, eligible)
    rates = shipping.rates_by_shop(eligible)
    for group in groups:
        shop = group.shop
        item = ShopQuote(shop=shop, lines=[line for line in group.lines if line.ok],
                         subtotal_cents=group.subtotal_cents, discount_cents=discounts[shop.id])
        goods = item.subtotal_cents - item.discount_cents
        if country:
            item.shipping = shipping.quote(rates[shop.id], country, item.subtotal_cents)
            if item.shipping is None:
                item.problem = (f"{shop.name} does not deliver to {place}. Choose another "
                                f"address or remove its items from your cart.")
        if needs_accounts and not shop.stripe_account_id:
            item.problem = (f"{shop.name} cannot take payments yet. Remove its items from "
                            f"your cart to pay for the rest.")
        item.tax_cents = taxes.tax_cents(goods, result.tax_rate_bps, inclusive)
        item.total_cents = goods + item.shipping_cents + (0 if inclusive else item.tax_cents)
        item.platform_fee_cents = taxes.platform_fee_cents(item.total_cents, fee_bps)
        result.shops.append(item)
    if address is not None and result.total_cents < MIN_CHARGE_CENTS:
        minimum = format_money(MIN_CHARGE_CENTS, summary.currency)
        result.notes.append(f"Card payments start at {minimum}. Add something to your cart.")
    return result


def build_snapshot(result, *, user_id, email):
    """What the webhook turns into orders: lines, prices and address as quoted, in cents."""
    address, code = result.address, result.discount_code
    return {
        "version": SNAPSHOT_VERSION, "user_id": user_id, "email": email,
        "currency": result.currency,
        "coupon": {"id": code.id, "code": code.code} if code is not None else None,
        "address": {"name": address.full_name, "line1": address.line1,
                    "line2": address.line2, "city": address.city, "region": address.region,
                    "postal_code": address.postal_code, "country": address.country,
                    "phone": address.phone},
        "shops": [{
            "shop_id": s.shop.id, "shop_name": s.shop.name, "account_id": s.shop.stripe_account_id,
            "subtotal_cents": s.subtotal_cents, "discount_cents": s.discount_cents,
            "shipping_cents": s.shipping_cents, "tax_cents": s.tax_cents,
            "total_cents": s.total_cents, "platform_fee_cents": s.platform_fee_cents,
            "lines": [{
                "product_id": line.product.id, "variant_id": line.variant.id,
                "title": line.product.title, "sku": line.variant.sku,
                "color": line.variant.color or None, "size": line.variant.size or None,
                "unit_price_cents": line.unit_cents, "quantity": line.quantity,
                "line_total_cents": line.line_cents,
            } for line in s.lines],
        } for s in result.shops],
        "amount_cents": result.total_cents,
    }


def fingerprint(snapshot, address_id):
    """SHA-256 of the cart's (variant, quantity) pairs, the coupon and the address id."""
    pairs = sorted([line["variant_id"], line["quantity"]]
                   for shop in snapshot["shops"] for line in shop["lines"])
    canonical = json.dumps({"lines": pairs, "coupon": snapshot["coupon"],
                            "address_id": address_id}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def line_items(snapshot):
    """Provider line items adding up to the amount: goods per line (or one discounted line per
    shop when a code applies), then each shop's shipping and tax (when added on top)."""
    items = []
    for shop in snapshot["shops"]:
        name = shop["shop_name"]
        if shop["discount_cents"]:
            count = sum(line["quantity"] for line in shop["lines"])
            items.append({"name": f"{name}: {count} item{'s' if count != 1 else ''}, "
                                  f"discount {snapshot['coupon']['code']} applied",
                          "quantity": 1,
                          "unit_amount_cents": shop["subtotal_cents"] - shop["discount_cents"]})
        else:
            items += [{"name": _line_name(line), "quantity": line["quantity"],
                       "unit_amount_cents": line["unit_price_cents"]} for line in shop["lines"]]
        if shop["shipping_cents"]:
            items.append({"name": f"Shipping from {name}", "quantity": 1,
                          "unit_amount_cents": shop["shipping_cents"]})
        added_tax = shop["total_cents"] - shop["subtotal_cents"] + shop["discount_cents"] \
            - shop["shipping_cents"]
        if added_tax:
            items.append({"name": f"Tax on {name} items", "quantity": 1,
                          "unit_amount_cents": added_tax})
    return [item for item in items if item["unit_amount_cents"] > 0]


def _line_name(line):
    options = " / ".join(p for p in (line["color"], line["size"]) if p)
    return f"{line['title']} ({options})" if options else line["title"]


def shop_splits(snapshot):
    return [{"shop_id": s["shop_id"], "account_id": s["account_id"],
             "amount_cents": s["total_cents"], "fee_cents": s["platform_fee_cents"]}
            for s in snapshot["shops"]]
