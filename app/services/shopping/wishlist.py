"""Wishlists: a list the caller keeps for guests, WishlistItem rows for shoppers."""
from dataclasses import dataclass

from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Product, WishlistItem
from app.services.catalog import pricing
from app.services.shopping import cart as carts
from app.services.shopping.cart import unavailable_reason, valid_id

MAX_GUEST_ITEMS = 50  # the guest list lives in the signed session cookie
MAX_ITEMS = 500


class WishlistError(Exception):
    """A wishlist change that was refused; the message is meant for the shopper."""


class GuestWishlist:
    """A guest's wishlist as [[product_id, variant_id or None], ...]; the caller stores `.data`."""

    def __init__(self, data=None):
        self._entries = []
        for entry in data if isinstance(data, list) else []:
            if not isinstance(entry, list | tuple) or len(entry) != 2:
                continue
            key = (valid_id(entry[0]), valid_id(entry[1]) if entry[1] is not None else None)
            if key[0] and key not in self._entries and len(self._entries) < MAX_GUEST_ITEMS:
                self._entries.append(key)
        self.limit = MAX_GUEST_ITEMS

    @property
    def data(self):
        return [list(entry) for entry in self._entries]

    def entries(self):
        return list(self._entries)

    def add(self, product_id, variant_id):
        self._entries.insert(0, (product_id, variant_id))

    def remove(self, product_id, variant_id):
        self._entries = [e for e in self._entries if e != (product_id, variant_id)]

    def save(self):
        """Nothing to write: the view puts `.data` into the session."""


class UserWishlist:
    """A signed-in shopper's wishlist rows, newest first."""

    def __init__(self, user_id):
        self.user_id = user_id
        self.limit = MAX_ITEMS
        self._entries = None

    def entries(self):
        if self._entries is None:
            rows = db.session.execute(
                select(WishlistItem.product_id, WishlistItem.variant_id)
                .where(WishlistItem.user_id == self.user_id)
                .order_by(WishlistItem.created_at.desc(), WishlistItem.id.desc()))
            self._entries = [tuple(row) for row in rows]
        return list(self._entries)

    def add(self, product_id, variant_id):
        db.session.add(WishlistItem(user_id=self.user_id, product_id=product_id,
                                    variant_id=variant_id, created_at=utcnow()))
        self.entries()
        self._entries.insert(0, (product_id, variant_id))

    def remove(self, product_id, variant_id):
        variant_match = (WishlistItem.variant_id.is_(None) if variant_id is None
                         else WishlistItem.variant_id == variant_id)
        db.session.execute(delete(WishlistItem).where(and_(
            WishlistItem.user_id == self.user_id, WishlistItem.product_id == product_id,
            variant_match)))
        self._entries = [e for e in self.entries() if e != (product_id, variant_id)]

    def save(self):
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # saved twice at once (two tabs): it is on the list either way


def load_products(product_ids):
    """{id: product} with shop, images and variants loaded, in a fixed number of queries."""
    ids = {i for i in (valid_id(p) for p in product_ids) if i}
    if not ids:
        return {}
    query = select(Product).where(Product.id.in_(ids)).options(
        selectinload(Product.shop), selectinload(Product.images), selectinload(Product.variants))
    return {p.id: p for p in db.session.scalars(query)}


def _checked(product_id, variant_id):
    """(product, variant or None) if shoppers may save it, else WishlistError with the reason."""
    product = load_products([product_id]).get(valid_id(product_id))
    if product is None:
        raise WishlistError("We could not find that product. It may have been removed.")
    reason = unavailable_reason(product)
    if reason:
        raise WishlistError(reason)
    if variant_id is None:
        return product, None
    variant = next((v for v in product.variants if v.id == valid_id(variant_id)), None)
    if variant is None:
        raise WishlistError("That option does not belong to this product.")
    return product, variant


def add(wishlist, product_id, variant_id=None):
    """Save a product (optionally one variant). Returns (product, newly added?)."""
    product, variant = _checked(product_id, variant_id)
    key = (product.id, variant.id if variant else None)
    if key in wishlist.entries():
        return product, False
    if len(wishlist.entries()) >= wishlist.limit:
        raise WishlistError(f"Your wishlist holds at most {wishlist.limit} items. "
                            "Remove some to save new ones.")
    wishlist.add(*key)
    wishlist.save()
    return product, True


def remove(wishlist, product_id, variant_id=None):
    key = (valid_id(product_id), valid_id(variant_id) if variant_id is not None else None)
    if key not in wishlist.entries():
        raise WishlistError("That item is not on your wishlist any more.")
    wishlist.remove(*key)
    wishlist.save()


def move_to_cart(wishlist, cart, product_id, variant_id=None):
    """Put one of a saved product into the cart, then take it off the wishlist. Returns the variant.

    A saved product with no variant chosen needs one now, unless it only has one.
    """
    product_id = valid_id(product_id)
    saved = [e for e in wishlist.entries() if e[0] == product_id]
    if not saved:
        raise WishlistError("That item is not on your wishlist any more.")
    product, variant = _checked(product_id, variant_id)
    if variant is None:
        if len(product.variants) != 1:
            raise WishlistError(f"Choose a colour or size of {product.title} first.")
        variant = product.variants[0]
    carts.add(cart, variant.id, 1)
    key = (product_id, variant.id) if (product_id, variant.id) in saved else saved[0]
    wishlist.remove(*key)
    wishlist.save()
    return variant


@dataclass
class WishlistEntry:
    product: object
    variant: object | None
    unit_cents: int
    regular_cents: int
    event_percent: int
    problem: str | None

    @property
    def image(self):
        return self.product.images[0] if self.product.images else None

    @property
    def in_stock_variants(self):
        return [v for v in self.product.variants if v.stock > 0]


def page(entries, now=None):
    """The wishlist page's rows from [(product_id, variant_id)], in a fixed number of queries."""
    products = load_products(pid for pid, _ in entries)
    percents = pricing.live_event_percents(products, now)
    rows = []
    for product_id, variant_id in entries:
        product = products.get(product_id)
        if product is None:
            continue  # purged: nothing left to show
        variant = next((v for v in product.variants if v.id == variant_id), None)
        if variant_id is not None and variant is None:
            continue
        stock = variant.stock if variant else sum(v.stock for v in product.variants)
        problem = unavailable_reason(product) or (None if stock > 0 else "Sold out right now.")
        percent = percents.get(product.id, 0)
        rows.append(WishlistEntry(
            product=product, variant=variant, problem=problem, event_percent=percent,
            unit_cents=pricing.unit_price_cents(product, variant, now, event_percent=percent),
            regular_cents=pricing.regular_price_cents(product, variant)))
    return rows


def merge_guest_wishlist(user_id, guest_data):
    """Add a guest's saved items to a shopper's wishlist at sign-in, skipping duplicates."""
    guest, wishlist = GuestWishlist(guest_data), UserWishlist(user_id)
    products = load_products(pid for pid, _ in guest.entries())
    added = 0
    for product_id, variant_id in reversed(guest.entries()):  # oldest first keeps the order
        product = products.get(product_id)
        if product is None or unavailable_reason(product):
            continue
        if variant_id is not None and all(v.id != variant_id for v in product.variants):
            continue
        if (product_id, variant_id) in wishlist.entries() or len(wishlist.entries()) >= MAX_ITEMS:
            continue
        wishlist.add(product_id, variant_id)
        added += 1
    wishlist.save()
    return added
