"""Checkout pages: review and pay, the return pages, and the offline test payment page."""
from functools import wraps

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from app.extensions import limiter, login_manager
from app.models.accounts import Role
from app.models.orders import CheckoutStatus, PaymentProvider
from app.services.accounts import addresses
from app.services.checkout import quote as checkout_quote
from app.services.checkout import sessions
from app.services.payments import ProviderError, get_provider
from blueprints.account.forms import AddressForm
from blueprints.cart.context import COUPON
from blueprints.checkout import bp
from blueprints.checkout.forms import PayForm, TestPayForm, first_error
from blueprints.web.countries import COUNTRIES

CLEARED = "checkout_cleared"  # the session whose lines were last taken out of the cart


def _pay_limit():
    return current_app.config.get("RATELIMIT_CHECKOUT", "10 per minute")


def _pay_key():
    return f"checkout-user:{current_user.id}" if current_user.is_authenticated \
        else request.remote_addr or "unknown"


def shopper_only(view):
    """Guests are sent to log in; sellers and admins are told that checkout is for shoppers."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role != Role.SHOPPER:
            return render_template("checkout/not_shopper.html"), 403
        return view(*args, **kwargs)
    return guarded


def _ready_summary():
    """The cart priced now, or a redirect to the cart saying what to fix first."""
    try:
        return checkout_quote.ready_summary(current_user.id), None
    except checkout_quote.EmptyCart as error:
        flash(str(error), "info")
    except checkout_quote.CheckoutError as error:
        flash(f"{error} Fix the lines marked in your cart, then check out again.", "warning")
    return None, redirect(url_for("cart.view"))


def _quote(summary, address, provider):
    return checkout_quote.quote(summary, stored_code=session.get(COUPON), address=address,
                          needs_accounts=provider.needs_connected_accounts,
                          destination_name=COUNTRIES.get(address.country, address.country)
                          if address is not None else None)


def _chosen(book, wanted):
    """The address asked for (if it is the shopper's), else the default, else the first."""
    by_id = {address.id: address for address in book}
    try:
        return by_id[int(wanted)]
    except (KeyError, TypeError, ValueError):
        return next((a for a in book if a.is_default), book[0] if book else None)


def _render_review(summary, wanted=None, address_form=None, status=200):
    provider = get_provider()
    book = addresses.list_addresses(current_user.id)
    address = _chosen(book, wanted)
    result = _quote(summary, address, provider)
    return render_template(
        "checkout/review.html", summary=summary, quote=result, book=book, address=address,
        address_form=address_form or AddressForm(formdata=None), pay_form=PayForm(),
        test_mode=provider.is_test_mode, countries=COUNTRIES,
        book_full=len(book) >= addresses.MAX_ADDRESSES), status


@bp.get("", endpoint="review")
@shopper_only
def review():
    summary, bounce = _ready_summary()
    if bounce:
        return bounce
    return _render_review(summary, request.args.get("address_id"))


@bp.post("/address", endpoint="address_add")
@shopper_only
def address_add():
    form = AddressForm()
    if form.validate_on_submit():
        try:
            address = addresses.create_address(current_user.id, form.values(),
                                               form.make_default.data)
        except addresses.AddressError as error:
            form.form_errors.append(str(error))
        else:
            flash("Address saved. We will deliver there.", "success")
            return redirect(url_for("checkout.review", address_id=address.id))
    summary, bounce = _ready_summary()
    if bounce:
        return bounce
    return _render_review(summary, address_form=form, status=422)


@bp.post("/pay", endpoint="pay")
@limiter.limit(_pay_limit, key_func=_pay_key)
@shopper_only
def pay():
    form = PayForm()
    if not form.validate():
        flash(first_error(form), "danger")
        return redirect(url_for("checkout.review"))
    try:
        address = addresses.get_address(current_user.id, form.address_id.data)
    except addresses.AddressNotFound as error:
        flash(f"{error} Choose one of yours.", "danger")
        return redirect(url_for("checkout.review"))
    summary, bounce = _ready_summary()
    if bounce:
        return bounce
    provider = get_provider()
    # Priced again here from the database: whatever else the browser sent is ignored.
    result = _quote(summary, address, provider)
    if not result.payable:
        flash(result.problems[0], "danger")
        return redirect(url_for("checkout.review", address_id=address.id))
    snapshot = checkout_quote.build_snapshot(result, user_id=current_user.id,
                                       email=current_user.email)
    base = current_app.config["BASE_URL"].rstrip("/")
    try:
        opened = sessions.open_session(
            user_id=current_user.id, address_id=address.id, snapshot=snapshot,
            success_url=f"{base}{url_for('checkout.success')}?session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=f"{base}{url_for('checkout.cancel')}", provider=provider)
    except ProviderError as error:
        flash(str(error), "danger")
        return redirect(url_for("checkout.review", address_id=address.id))
    return redirect(opened.session.url, code=303)


@bp.get("/success", endpoint="success")
@shopper_only
def success():
    row = sessions.for_user(current_user.id, request.args.get("session_id", ""))
    if row is None:
        abort(404)
    orders = sessions.orders_for(row)
    if orders and session.get(CLEARED) != row.provider_session_id:
        sessions.clear_purchased(row)
        session[CLEARED] = row.provider_session_id
        coupon = (row.snapshot or {}).get("coupon")
        if coupon and session.get(COUPON) == coupon["code"]:
            session.pop(COUPON, None)
    celebrate = any(order.flagged_reason is None for order in orders)
    return render_template("checkout/success.html", row=row, orders=orders,
                           celebrate=celebrate, countries=COUNTRIES)


@bp.get("/cancel", endpoint="cancel")
def cancel():
    flash("Payment cancelled: nothing was charged, and your cart is just as you left it.",
          "info")
    return redirect(url_for("cart.view"))


def _test_session_or_404(session_id):
    """The shopper's own session of the offline provider; 404 for anything else."""
    provider = get_provider()
    if provider.kind != PaymentProvider.OFFLINE:
        abort(404)
    row = sessions.for_user(current_user.id, session_id)
    if row is None or row.provider != PaymentProvider.OFFLINE:
        abort(404)
    return provider, row


def _is_open(row):
    return row.status == CheckoutStatus.OPEN and sessions.now() < row.expires_at


@bp.get("/test-pay/<session_id>", endpoint="test_pay")
@shopper_only
def test_pay(session_id):
    _, row = _test_session_or_404(session_id)
    return render_template("checkout/test_pay.html", row=row, snapshot=row.snapshot or {},
                           is_open=_is_open(row), form=TestPayForm())


@bp.post("/test-pay/<session_id>", endpoint="test_pay_submit")
@shopper_only
def test_pay_submit(session_id):
    provider, row = _test_session_or_404(session_id)
    form = TestPayForm()
    if not form.validate():
        flash(first_error(form), "danger")
        return redirect(url_for("checkout.test_pay", session_id=session_id))
    done = url_for("checkout.success", session_id=session_id)
    if row.status == CheckoutStatus.PAID or sessions.orders_for(row):
        return redirect(done, code=303)
    if not _is_open(row):
        flash("This test payment is no longer open: it expired or your cart changed. "
              "Check out again to pay.", "warning")
        return redirect(url_for("checkout.review"), code=303)
    from app.services.payments.webhooks import receive

    try:
        receive.receive(*provider.build_paid_event(session_id))
    except (receive.WebhookRejected, ProviderError) as error:
        flash(f"The test payment was refused: {error}", "danger")
        return redirect(url_for("checkout.test_pay", session_id=session_id), code=303)
    return redirect(done, code=303)
