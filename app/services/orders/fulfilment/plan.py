"""The checkout snapshot read back at payment time, and the order rows built from it."""
# The snapshot (CheckoutSession.snapshot, written by the checkout when the payment session was
# opened) holds every price the buyer agreed to; orders are built from it, never from the cart
# or the catalogue as they are now.
from dataclasses import dataclass

from app.models.orders import OrderStatus


class SnapshotError(ValueError):
    """The snapshot cannot be read as version 1 of the contract."""


def _cents(value, name):
    if type(value) is not int or value < 0:
        raise SnapshotError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def _text(value, limit):
    return str(value)[:limit] if value not in (None, "") else None


@dataclass(frozen=True)
class Line:
    product_id: int | None
    variant_id: int
    title: str
    sku: str
    color: str | None
    size: str | None
    unit_price_cents: int
    quantity: int
    line_total_cents: int


@dataclass(frozen=True)
class ShopPlan:
    shop_id: int
    shop_name: str
    account_id: str | None
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    tax_cents: int
    total_cents: int
    platform_fee_cents: int
    lines: tuple

    @property
    def needs(self):
        """{variant_id: quantity} this shop's order takes from stock."""
        needs = {}
        for line in self.lines:
            needs[line.variant_id] = needs.get(line.variant_id, 0) + line.quantity
        return needs


@dataclass(frozen=True)
class Plan:
    user_id: int | None
    email: str | None
    currency: str
    coupon_id: int | None
    address: dict
    shops: tuple
    amount_cents: int


def _line(raw):
    quantity = raw["quantity"]
    if type(quantity) is not int or quantity <= 0:
        raise SnapshotError(f"bad quantity {quantity!r}")
    return Line(product_id=raw.get("product_id"), variant_id=int(raw["variant_id"]),
                title=_text(raw.get("title"), 200) or "Item", sku=_text(raw.get("sku"), 64) or "",
                color=_text(raw.get("color"), 40), size=_text(raw.get("size"), 40),
                unit_price_cents=_cents(raw["unit_price_cents"], "unit_price_cents"),
                quantity=quantity,
                line_total_cents=_cents(raw["line_total_cents"], "line_total_cents"))


def _shop(raw):
    money = {name: _cents(raw[name], name) for name in (
        "subtotal_cents", "discount_cents", "shipping_cents", "tax_cents", "total_cents",
        "platform_fee_cents")}
    if money["platform_fee_cents"] > money["total_cents"]:
        raise SnapshotError("platform fee above the order total")
    lines = tuple(_line(line) for line in raw["lines"])
    if not lines:
        raise SnapshotError("a shop without lines")
    return ShopPlan(shop_id=int(raw["shop_id"]), shop_name=_text(raw.get("shop_name"), 120) or
                    "Shop", account_id=raw.get("account_id") or None, lines=lines, **money)


def parse(snapshot):
    """A Plan from the stored snapshot, or SnapshotError."""
    try:
        if not isinstance(snapshot, dict) or snapshot.get("version") != 1:
            raise SnapshotError("no version 1 snapshot")
        shops = tuple(_shop(shop) for shop in snapshot["shops"])
        amount = _cents(snapshot["amount_cents"], "amount_cents")
        if not shops or amount != sum(shop.total_cents for shop in shops):
            raise SnapshotError("amount_cents is not the sum of the shops' totals")
        coupon = snapshot.get("coupon") or {}
        return Plan(user_id=snapshot.get("user_id"), email=snapshot.get("email") or None,
                    currency=str(snapshot.get("currency") or "USD").upper(),
                    coupon_id=coupon.get("id"), address=dict(snapshot["address"]), shops=shops,
                    amount_cents=amount)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, SnapshotError):
            raise
        raise SnapshotError(f"unreadable snapshot: {error!r}") from None


@dataclass(frozen=True)
class Known:
    """Which referenced rows still exist (a purged shop or product must not break the insert)."""

    user_id: int | None
    shops: frozenset
    variants: frozenset
    products: frozenset
    coupon: bool


def order_rows(plan, shop, known, *, order_id, number, payment_id, session_id, now,
               flagged_reason=None):
    """(order, items, timeline) rows for one shop of the plan, ready for bulk inserts."""
    address = plan.address
    order = {
        "id": order_id, "number": number, "user_id": known.user_id,
        "shop_id": shop.shop_id if shop.shop_id in known.shops else None,
        "shop_name": shop.shop_name, "checkout_session_id": session_id,
        "payment_id": payment_id,
        "status": OrderStatus.REFUNDED if flagged_reason else OrderStatus.PLACED,
        "subtotal_cents": shop.subtotal_cents, "discount_cents": shop.discount_cents,
        "shipping_cents": shop.shipping_cents, "tax_cents": shop.tax_cents,
        "total_cents": shop.total_cents, "currency": plan.currency,
        "discount_code_id": plan.coupon_id if shop.discount_cents and known.coupon else None,
        "ship_name": _text(address.get("name"), 120) or "",
        "ship_line1": _text(address.get("line1"), 200) or "",
        "ship_line2": _text(address.get("line2"), 200),
        "ship_city": _text(address.get("city"), 100) or "",
        "ship_region": _text(address.get("region"), 100),
        "ship_postal_code": _text(address.get("postal_code"), 20) or "",
        "ship_country": (_text(address.get("country"), 2) or "").upper(),
        "ship_phone": _text(address.get("phone"), 32), "placed_at": now, "created_at": now,
        "updated_at": now, "flagged_reason": _text(flagged_reason, 255),
    }
    items = [{
        "order_id": order_id,
        "product_id": line.product_id if line.product_id in known.products else None,
        "variant_id": line.variant_id if line.variant_id in known.variants else None,
        "title": line.title, "sku": line.sku, "color": line.color, "size": line.size,
        "unit_price_cents": line.unit_price_cents, "quantity": line.quantity,
        "line_total_cents": line.line_total_cents, "refunded_quantity": 0,
    } for line in shop.lines]
    timeline = [{"order_id": order_id, "status": OrderStatus.PLACED, "created_at": now,
                 "note": "Payment received.", "actor_user_id": None}]
    if flagged_reason:
        note = f"Could not be fulfilled ({flagged_reason}); refunded automatically."
        timeline.append({"order_id": order_id, "status": OrderStatus.REFUNDED, "created_at": now,
                         "note": note[:500], "actor_user_id": None})
    return order, items, timeline
