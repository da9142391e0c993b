"""The cart as a shopper sees it: lines grouped by shop, server prices, stale-line notices."""
from dataclasses import dataclass, field

from flask import current_app

from app.models.base import utcnow
from app.services.catalog import pricing
from app.services.shopping.cart import MAX_QUANTITY, label, load_variants, unavailable_reason


@dataclass
class CartLine:
    variant: object
    quantity: int
    unit_cents: int
    regular_cents: int  # struck through when the unit price is lower (a sale or an event)
    event_percent: int
    problem: str | None = None

    @property
    def product(self):
        return self.variant.product

    @property
    def variant_id(self):
        return self.variant.id

    @property
    def label(self):
        return self.variant.label

    @property
    def line_cents(self):
        return self.unit_cents * self.quantity

    @property
    def ok(self):
        return self.problem is None

    @property
    def is_reduced(self):
        return self.unit_cents < self.regular_cents

    @property
    def image(self):
        images = self.product.images
        return images[0] if images else None

    @property
    def max_quantity(self):
        return max(1, min(MAX_QUANTITY, self.variant.stock))


@dataclass
class ShopGroup:
    shop: object
    lines: list = field(default_factory=list)

    @property
    def subtotal_cents(self):
        """Only lines that can be bought as they stand; problem lines wait for the shopper."""
        return sum(line.line_cents for line in self.lines if line.ok)


@dataclass
class CartSummary:
    groups: list
    currency: str
    missing: int = 0  # lines whose variant no longer exists at all (purged)

    @property
    def lines(self):
        return [line for group in self.groups for line in group.lines]

    @property
    def item_count(self):
        """Every unit in the cart (the header count)."""
        return sum(line.quantity for line in self.lines)

    @property
    def payable_count(self):
        """Units in lines that can be bought as they stand (the ones in the subtotal)."""
        return sum(line.quantity for line in self.lines if line.ok)

    @property
    def subtotal_cents(self):
        return sum(group.subtotal_cents for group in self.groups)

    @property
    def problems(self):
        return [line for line in self.lines if not line.ok]

    @property
    def is_empty(self):
        return not self.groups

    def shop_subtotal(self, shop_id):
        return sum(g.subtotal_cents for g in self.groups if g.shop.id == shop_id)


def line_problem(variant, quantity):
    """Why a line cannot be bought as it stands, or None."""
    reason = unavailable_reason(variant.product)
    if reason:
        return reason
    if variant.stock <= 0:
        return f"{label(variant)} is sold out. Remove it or move it to your wishlist."
    if quantity > variant.stock:
        return f"Only {variant.stock} left of {label(variant)}: lower the quantity to continue."
    return None


def summarise(quantities, now=None):
    """Build the cart page's data from {variant_id: quantity}, in a fixed number of queries."""
    now = now or utcnow()
    variants = load_variants(quantities)
    percents = pricing.live_event_percents({v.product_id for v in variants.values()}, now)
    groups, missing = {}, 0
    for variant_id, quantity in quantities.items():
        variant = variants.get(variant_id)
        if variant is None:
            missing += 1
            continue
        product = variant.product
        percent = percents.get(product.id, 0)
        unit = pricing.unit_price_cents(product, variant, now, event_percent=percent)
        line = CartLine(variant=variant, quantity=quantity, event_percent=percent,
                        regular_cents=pricing.regular_price_cents(product, variant),
                        unit_cents=unit, problem=line_problem(variant, quantity))
        groups.setdefault(product.shop_id, ShopGroup(shop=product.shop)).lines.append(line)
    ordered = sorted(groups.values(), key=lambda g: ((g.shop.name or "").lower(), g.shop.id))
    currency = next((line.product.currency for g in ordered for line in g.lines),
                    current_app.config["CURRENCY"])
    return CartSummary(groups=ordered, currency=currency, missing=missing)
