"""Cart lines for guests (a dict the caller keeps) and shoppers (CartItem rows); stock rules."""
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.catalog import CartItem, Product, ProductStatus, ProductVariant, WishlistItem
from app.models.shops import ShopStatus
from app.services.catalog.visibility import is_visible

MAX_QUANTITY = 99  # per line: a marketplace cart, not a wholesale order form
MAX_LINES = 50  # per cart: also keeps a guest's signed session cookie far below 4 KB
MAX_ID = 2**31 - 1  # larger ids cannot exist and would overflow PostgreSQL's integer


class CartError(Exception):
    """A cart change that was refused; the message is meant for the shopper."""


class NotAvailable(CartError):
    pass


class OutOfStock(CartError):
    pass


class InvalidQuantity(CartError):
    pass


class CartFull(CartError):
    pass


def valid_id(value):
    """`value` as a positive database id, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


class GuestCart:
    """A guest's cart as {variant_id (str): quantity}; the caller stores `.data` back."""

    def __init__(self, data=None):
        self.data = {}
        for key, quantity in (data if isinstance(data, dict) else {}).items():
            variant_id = valid_id(key)
            if variant_id and type(quantity) is int and 1 <= quantity <= MAX_QUANTITY:
                self.data[str(variant_id)] = quantity
            if len(self.data) >= MAX_LINES:
                break

    def quantities(self):
        return {int(k): q for k, q in self.data.items()}

    def set(self, variant_id, quantity):
        self.data[str(variant_id)] = quantity

    def remove(self, variant_id):
        self.data.pop(str(variant_id), None)

    def save(self):
        """Nothing to write: the view puts `.data` into the session."""


class UserCart:
    """A signed-in shopper's cart rows."""

    def __init__(self, user_id):
        self.user_id = user_id
        self._quantities = None

    def quantities(self):
        if self._quantities is None:
            rows = db.session.execute(
                select(CartItem.variant_id, CartItem.quantity)
                .where(CartItem.user_id == self.user_id)
                .order_by(CartItem.added_at, CartItem.id))
            self._quantities = dict(rows.all())
        return self._quantities

    def set(self, variant_id, quantity):
        row = db.session.scalar(select(CartItem).where(
            CartItem.user_id == self.user_id, CartItem.variant_id == variant_id))
        if row is None:
            db.session.add(CartItem(user_id=self.user_id, variant_id=variant_id,
                                    quantity=quantity))
        else:
            row.quantity = quantity
        self.quantities()[variant_id] = quantity

    def remove(self, variant_id):
        db.session.execute(delete(CartItem).where(
            CartItem.user_id == self.user_id, CartItem.variant_id == variant_id))
        self.quantities().pop(variant_id, None)

    def save(self):
        try:
            db.session.commit()
        except IntegrityError:
            # Two tabs adding the same item at once: the other one won; nothing is lost.
            db.session.rollback()
            raise CartError("Your cart changed in another window. Please try again.") from None


def header_counts(user_id):
    """(total quantity in the cart, wishlist entries) for the navbar, in one query."""
    cart = select(func.coalesce(func.sum(CartItem.quantity), 0)).where(
        CartItem.user_id == user_id).scalar_subquery()
    saved = select(func.count(WishlistItem.id)).where(
        WishlistItem.user_id == user_id).scalar_subquery()
    items, wished = db.session.execute(select(cart, saved)).one()
    return int(items), int(wished)


def label(variant):
    return variant.label or variant.product.title


def unavailable_reason(product):
    """Why shoppers may not buy `product`, or None when they may (catalog.is_visible decides)."""
    if is_visible(product):
        return None
    shop = product.shop
    if product.deleted_at is not None:
        return f"{product.title} has been removed by the seller."
    if shop is None or shop.deleted_at is not None:
        return f"{product.title} is no longer sold: the shop has closed."
    if shop.status != ShopStatus.ACTIVE:
        return f"{shop.name} is not selling at the moment."
    if product.status != ProductStatus.ACTIVE:
        return f"{product.title} is not on sale right now."
    return f"{product.title} is not available."


def load_variants(variant_ids):
    """{id: variant} with product, shop and images loaded, in two queries for any number."""
    ids = {i for i in (valid_id(v) for v in variant_ids) if i}
    if not ids:
        return {}
    query = select(ProductVariant).where(ProductVariant.id.in_(ids)).options(
        joinedload(ProductVariant.product).joinedload(Product.shop),
        joinedload(ProductVariant.product).selectinload(Product.images))
    return {v.id: v for v in db.session.scalars(query).unique()}


def available_variant(variant_id):
    """The variant if shoppers may buy it, else NotAvailable with the reason."""
    variant = load_variants([variant_id]).get(valid_id(variant_id))
    if variant is None:
        raise NotAvailable("We could not find that item. It may have been removed.")
    reason = unavailable_reason(variant.product)
    if reason:
        raise NotAvailable(reason)
    return variant


def check_quantity(variant, quantity, already=0):
    """Refuse `quantity` (on top of `already` in the cart) beyond the limits or the stock."""
    if type(quantity) is not int or quantity < 1:
        raise InvalidQuantity("Choose a quantity of at least 1.")
    wanted = already + quantity
    if wanted > MAX_QUANTITY:
        raise InvalidQuantity(f"You can buy at most {MAX_QUANTITY} of one item"
                              + (f" ({already} already in your cart)." if already else "."))
    if variant.stock <= 0:
        raise OutOfStock(f"{label(variant)} is sold out.")
    if wanted > variant.stock:
        extra = f" and {already} already in your cart" if already else ""
        raise OutOfStock(f"Only {variant.stock} left of {label(variant)}{extra}.")
    return wanted


def add(cart, variant_id, quantity=1):
    """Add `quantity` of a variant to `cart` (a GuestCart or UserCart); returns the variant."""
    variant = available_variant(variant_id)
    already = cart.quantities().get(variant.id, 0)
    wanted = check_quantity(variant, quantity, already)
    if not already and len(cart.quantities()) >= MAX_LINES:
        raise CartFull(f"Your cart holds at most {MAX_LINES} different items.")
    cart.set(variant.id, wanted)
    cart.save()
    return variant


def set_quantity(cart, variant_id, quantity):
    """Change a line's quantity; 0 removes it. Returns the variant (None if it no longer exists)."""
    variant_id = valid_id(variant_id)
    if variant_id not in cart.quantities():
        raise CartError("That item is not in your cart any more.")
    if quantity == 0:
        return remove(cart, variant_id)
    variant = available_variant(variant_id)
    check_quantity(variant, quantity)
    cart.set(variant.id, quantity)
    cart.save()
    return variant


def remove(cart, variant_id):
    """Take a line out, even if its product has disappeared. Returns the variant or None."""
    variant_id = valid_id(variant_id)
    if variant_id not in cart.quantities():
        raise CartError("That item is not in your cart any more.")
    cart.remove(variant_id)
    cart.save()
    return load_variants([variant_id]).get(variant_id)


def merge_guest_cart(user_id, guest_data):
    """Add a guest cart to a shopper's cart at sign-in: quantities add up, capped at stock.

    Returns (lines merged, labels of lines that were capped or dropped). Commits.
    """
    guest, cart = GuestCart(guest_data), UserCart(user_id)
    variants = load_variants(guest.quantities())
    merged, trimmed = 0, []
    for variant_id, quantity in guest.quantities().items():
        variant = variants.get(variant_id)
        already = cart.quantities().get(variant_id, 0)
        if variant is None or unavailable_reason(variant.product) or variant.stock <= 0:
            trimmed.append(label(variant) if variant else "an item that no longer exists")
            continue
        if not already and len(cart.quantities()) >= MAX_LINES:
            trimmed.append(label(variant))
            continue
        wanted = min(already + quantity, variant.stock, MAX_QUANTITY)
        if wanted < already + quantity:
            trimmed.append(label(variant))
        if wanted > already:  # never lower a line the shopper saved earlier
            cart.set(variant_id, wanted)
            merged += 1
    cart.save()
    return merged, trimmed
