"""Cart pages and actions: add, change, remove, and one discount code per cart."""
from flask import flash, redirect, render_template, request, session, url_for

from app.models.analytics import AnalyticsKind
from app.services.shopping import cart as carts
from app.services.shopping import cart_summary, coupons
from app.services.shopping import wishlist as wishlists
from app.templating import format_money
from blueprints.cart import bp
from blueprints.cart.context import (
    COUPON,
    NOT_A_SHOPPER,
    can_shop,
    current_cart,
    current_wishlist,
    keep,
)
from blueprints.cart.forms import (
    CartAddForm,
    CartRemoveForm,
    CartUpdateForm,
    CouponForm,
    first_error,
)
from blueprints.web.navigation import safe_next
from blueprints.web.tracking import track


def is_htmx():
    return request.headers.get("HX-Request") == "true"


def cart_page_context(message=None, category="info"):
    """Everything the cart page and its htmx partial show, priced on the server now."""
    cart = current_cart()
    summary = cart_summary.summarise(cart.quantities())
    if summary.missing and isinstance(cart, carts.GuestCart):
        # Purged products: say so on this page once, then forget the ids.
        for variant_id in set(cart.quantities()) - {line.variant_id for line in summary.lines}:
            cart.remove(variant_id)
        keep(cart)
    totals = coupons.totals(summary, session.get(COUPON))
    return {"summary": summary, "totals": totals, "message": message, "category": category}


def wishlist_page_context(message=None, category="info"):
    wishlist = current_wishlist()
    return {"entries": wishlists.page(wishlist.entries()), "message": message,
            "category": category}


def respond(message, category, default_endpoint="cart.view", next_url=None):
    """After a POST: a partial for htmx (the cart, the wishlist or a status line), else a
    flash and a redirect to a safe `next` or the default page."""
    if is_htmx():
        target = request.headers.get("HX-Target")
        if target == "cart-body" and can_shop():
            return render_template("cart/_cart_body.html", oob_counts=True,
                                   **cart_page_context(message, category))
        if target == "wishlist-body" and can_shop():
            return render_template("cart/_wishlist_body.html", oob_counts=True,
                                   **wishlist_page_context(message, category))
        return render_template("cart/_status.html", message=message, category=category)
    flash(message, category)
    return redirect(safe_next(next_url) or url_for(default_endpoint))


@bp.get("/cart")
def view():
    if not can_shop():
        return render_template("cart/not_shopper.html", title="Your cart")
    return render_template("cart/cart.html", **cart_page_context())


def _change_cart(form, change):
    """A cart POST: shoppers only, a valid form, then `change(cart)` -> the success message."""
    if not can_shop():
        return respond(NOT_A_SHOPPER, "warning", next_url=form.next.data)
    if not form.validate():
        return respond(first_error(form), "danger", next_url=form.next.data)
    cart = current_cart()
    try:
        message = change(cart)
    except carts.CartError as error:
        return respond(str(error), "danger", next_url=form.next.data)
    keep(cart)
    return respond(message, "success", next_url=form.next.data)


@bp.post("/cart/add")
def add():
    form = CartAddForm()

    def change(cart):
        quantity = form.quantity.data or 1
        variant = carts.add(cart, form.variant_id.data, quantity)
        track(AnalyticsKind.ADD_TO_CART, product_id=variant.product_id,
              shop_id=variant.product.shop_id, quantity=quantity)
        what = f"{quantity} × " if quantity > 1 else ""
        return f"Added {what}{_describe(variant)} to your cart."

    return _change_cart(form, change)


@bp.post("/cart/update")
def update():
    form = CartUpdateForm()

    def change(cart):
        variant = carts.set_quantity(cart, form.variant_id.data, form.quantity.data)
        if form.quantity.data == 0:
            return f"Removed {_describe(variant)} from your cart."
        return f"{_describe(variant)}: quantity is now {form.quantity.data}."

    return _change_cart(form, change)


@bp.post("/cart/remove")
def remove():
    form = CartRemoveForm()

    def change(cart):
        variant = carts.remove(cart, form.variant_id.data)
        return f"Removed {_describe(variant)} from your cart."

    return _change_cart(form, change)


@bp.post("/cart/coupon")
def coupon_apply():
    form = CouponForm()
    if not can_shop():
        return respond(NOT_A_SHOPPER, "warning", next_url=form.next.data)
    summary = cart_summary.summarise(current_cart().quantities())
    try:
        check = coupons.check(form.code.data, summary)
    except coupons.CouponError as error:
        return respond(str(error), "danger", next_url=form.next.data)
    if not check.applicable:
        return respond(check.reason, "danger", next_url=form.next.data)
    session[COUPON] = check.code
    saving = format_money(check.discount_cents, summary.currency)
    return respond(f"Code {check.code} applied: you save {saving}.", "success",
                   next_url=form.next.data)


@bp.post("/cart/coupon/remove")
def coupon_remove():
    form = CouponForm()
    if session.pop(COUPON, None) is None:
        return respond("There is no discount code on your cart.", "info", next_url=form.next.data)
    return respond("Discount code removed.", "success", next_url=form.next.data)


def _describe(variant):
    if variant is None:
        return "the item"
    return f"{variant.product.title} ({variant.label})" if variant.label else variant.product.title
