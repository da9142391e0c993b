"""Wishlist page and actions: save, remove, move to the cart."""
from flask import render_template

from app.models.analytics import AnalyticsKind
from app.services.shopping import cart as carts
from app.services.shopping import wishlist as wishlists
from blueprints.cart import bp
from blueprints.cart.context import NOT_A_SHOPPER, can_shop, current_cart, current_wishlist, keep
from blueprints.cart.forms import WishlistForm, first_error
from blueprints.cart.views import respond, wishlist_page_context
from blueprints.web.tracking import track

WISHLIST = "cart.wishlist"


@bp.get("/wishlist")
def wishlist():
    if not can_shop():
        return render_template("cart/not_shopper.html", title="Your wishlist")
    return render_template("cart/wishlist.html", **wishlist_page_context())


def _refused_or_invalid(form):
    """A response for a refused or malformed wishlist POST, or None when it may go ahead."""
    if not can_shop():
        return respond(NOT_A_SHOPPER, "warning", WISHLIST, form.next.data)
    if not form.validate():
        return respond(first_error(form), "danger", WISHLIST, form.next.data)
    return None


@bp.post("/wishlist/add")
def wishlist_add():
    form = WishlistForm()
    if refused := _refused_or_invalid(form):
        return refused
    saved = current_wishlist()
    try:
        product, added = wishlists.add(saved, form.product_id.data, form.variant_id.data)
    except wishlists.WishlistError as error:
        return respond(str(error), "danger", WISHLIST, form.next.data)
    keep(saved)
    if not added:
        return respond(f"{product.title} is already on your wishlist.", "info", WISHLIST,
                       form.next.data)
    track(AnalyticsKind.ADD_TO_WISHLIST, product_id=product.id, shop_id=product.shop_id)
    return respond(f"Saved {product.title} to your wishlist.", "success", WISHLIST,
                   form.next.data)


@bp.post("/wishlist/remove")
def wishlist_remove():
    form = WishlistForm()
    if refused := _refused_or_invalid(form):
        return refused
    saved = current_wishlist()
    try:
        wishlists.remove(saved, form.product_id.data, form.variant_id.data)
    except wishlists.WishlistError as error:
        return respond(str(error), "danger", WISHLIST, form.next.data)
    keep(saved)
    return respond("Removed from your wishlist.", "success", WISHLIST, form.next.data)


@bp.post("/wishlist/move-to-cart")
def wishlist_move():
    form = WishlistForm()
    if refused := _refused_or_invalid(form):
        return refused
    saved, cart = current_wishlist(), current_cart()
    try:
        variant = wishlists.move_to_cart(saved, cart, form.product_id.data, form.variant_id.data)
    except (wishlists.WishlistError, carts.CartError) as error:
        return respond(str(error), "danger", WISHLIST, form.next.data)
    keep(cart)
    keep(saved)
    track(AnalyticsKind.ADD_TO_CART, product_id=variant.product_id,
          shop_id=variant.product.shop_id, quantity=1)
    return respond(f"Moved {variant.product.title} to your cart.", "success", WISHLIST,
                   form.next.data)
