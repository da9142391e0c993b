"""After the sale, for the buyer: an order's invoice data and buying its items again."""
from dataclasses import dataclass

from app.extensions import db
from app.models.accounts import User
from app.models.shops import Shop
from app.models.site import SiteConfig
from app.services.orders.history import order_for
from app.services.orders.status import refunded_value
from app.services.shopping import cart as carts


@dataclass(frozen=True)
class InvoiceLine:
    title: str
    variant: str
    sku: str
    quantity: int
    unit_cents: int
    line_cents: int
    refunded_quantity: int


@dataclass(frozen=True)
class Invoice:
    order: object
    number: str
    seller_name: str
    seller_lines: list  # address-ish lines of the shop, as far as we know them
    buyer_name: str
    buyer_email: str | None
    lines: list
    tax_inclusive: bool
    refunded_cents: int
    site_name: str

    @property
    def paid_cents(self):
        return self.order.total_cents - self.refunded_cents


def invoice_for(user_id, number, site_name="Bazaar"):
    """The buyer's invoice of one order (anyone else's is OrderNotFound)."""
    order = order_for(user_id, number)
    shop = db.session.get(Shop, order.shop_id) if order.shop_id else None
    buyer = db.session.get(User, user_id)
    site = db.session.get(SiteConfig, 1)
    seller_lines = []
    if shop is not None:
        seller_lines = [p for p in (", ".join(x for x in (shop.city, shop.country) if x),
                                    shop.email, shop.phone) if p]
    lines = [InvoiceLine(item.title, " / ".join(p for p in (item.color, item.size) if p),
                         item.sku, item.quantity, item.unit_price_cents, item.line_total_cents,
                         item.refunded_quantity) for item in order.items]
    refunded = refunded_value(order) if any(i.refunded_quantity for i in order.items) else 0
    return Invoice(order=order, number=f"INV-{order.number}", seller_name=order.shop_name,
                   seller_lines=seller_lines, buyer_name=order.ship_name,
                   buyer_email=buyer.email if buyer else None, lines=lines,
                   tax_inclusive=bool(site and site.tax_inclusive), refunded_cents=refunded,
                   site_name=(site.site_name if site else None) or site_name)


@dataclass(frozen=True)
class BuyAgainResult:
    added_units: int
    problems: list  # one sentence per line that could not be added in full


def buy_again(user_id, number):
    """Put the order's still-available variants back in the buyer's cart, as many as stock
    and cart limits allow. Lines already in the cart are topped up, never lowered."""
    order = order_for(user_id, number)
    cart = carts.UserCart(user_id)
    variants = carts.load_variants([i.variant_id for i in order.items if i.variant_id])
    added, problems = 0, []
    for item in order.items:
        variant = variants.get(item.variant_id)
        if variant is None:
            problems.append(f"{item.title} is no longer sold.")
            continue
        reason = carts.unavailable_reason(variant.product)
        if reason:
            problems.append(reason)
            continue
        already = cart.quantities().get(variant.id, 0)
        room = min(variant.stock, carts.MAX_QUANTITY) - already
        units = min(item.quantity, room)
        if units <= 0:
            problems.append(f"{item.title} is sold out." if variant.stock <= 0 else
                            f"{item.title}: your cart already holds all we can sell you.")
            continue
        try:
            carts.add(cart, variant.id, units)
        except carts.CartError as error:
            problems.append(str(error))
            continue
        added += units
        if units < item.quantity:
            problems.append(f"Only {units} of {item.title} added: that is all that is left.")
    return BuyAgainResult(added, problems)
