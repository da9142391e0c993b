"""The order desk shared by the seller and admin portals: list, one order, and moving,
cancelling or refunding it. Each portal registers it with its own actor and scope."""
from flask import abort, flash, redirect, render_template, request, url_for

from app.models.orders import OrderStatus
from app.services.orders import cancellation, history, refunds
from app.services.orders import status as order_status
from blueprints.account.orders import STATUS_BADGES
from blueprints.order_desk import confirmations
from blueprints.order_desk.forms import OrdersQuery, RefundChoice
from blueprints.web.forms import CancelOrderForm, RefundOrderForm


def list_context(shop_id):
    """Everything an orders list page needs from the query string."""
    status, search, number = OrdersQuery(formdata=request.args).read()
    page = order_status.orders_page(shop_id=shop_id, status=status, search=search,
                                    page=number)
    ids = [o.id for o in page.items]
    return {"page": page, "status": status, "search": search,
            "counts": history.item_counts(ids),
            "partly_refunded": history.partly_refunded(ids),
            "statuses": list(OrderStatus), "labels": history.STATUS_LABELS,
            "badges": STATUS_BADGES}


def detail_context(order):
    desk = order_status.desk_view(order)
    return {"order": order, "desk": desk, "labels": history.STATUS_LABELS,
            "badges": STATUS_BADGES,
            "partly_refunded": order.status not in order_status.STOPPED
            and any(item.refunded_quantity for item in order.items)}


def refund_request(formdata):
    """(quantities or None for a full refund, expected refund_seq) from the order page's refund
    choice (a query string) or its confirmation form."""
    return RefundChoice.read(formdata)


def perform(action, done, back):
    """Run an order action: 404 for an order the person may not see, the refusal as a flash."""
    try:
        result = action()
    except history.OrderNotFound:
        abort(404)  # not 403: whether another shop's order exists is not ours to tell
    except order_status.OrderActionError as error:
        flash(str(error), "danger")
    else:
        flash(done(result), "success")
    return redirect(back)


def confirm_page(portal, preview, make, form):
    """Render the confirmation page of `preview()`'s action (422 with the form's errors), or
    say why the action is not possible now on the order page."""
    try:
        confirmation = make(preview())
    except history.OrderNotFound:
        abort(404)
    except order_status.OrderActionError as error:
        flash(str(error), "danger")
        return redirect(url_for(f"{portal}.order", number=request.view_args["number"]))
    return render_template(f"{portal}/orders_confirm.html", confirm=confirmation, form=form,
                           labels=history.STATUS_LABELS), 422 if form.errors else 200


def refund_message(taken):
    restocked = f" {taken.restocked} unit(s) back in stock." if taken.restocked else ""
    what = taken.summary or "Items marked refunded (nothing to pay back)."
    return f"{what}{restocked} The buyer has been told."


def register_order_desk(bp, portal, actor, shop_scope):
    """Add the order routes to `bp`: `actor()` is who acts, `shop_scope()` the shop id the
    list is limited to (None: every shop). Templates: <portal>/orders.html, orders_show.html,
    orders_confirm.html (cancelling and refunding are confirmed there first)."""

    def detail_url(number):
        return url_for(f"{portal}.order", number=number)

    @bp.get("/orders", endpoint="orders")
    def orders_list():
        return render_template(f"{portal}/orders.html", **list_context(shop_scope()))

    @bp.get("/orders/<number>", endpoint="order")
    def order_detail(number):
        try:
            order = order_status.find_order(actor(), number)
        except history.OrderNotFound:
            abort(404)
        return render_template(f"{portal}/orders_show.html", **detail_context(order))

    @bp.post("/orders/<number>/status", endpoint="order_advance")
    def order_advance(number):
        return perform(
            lambda: order_status.advance(actor(), number, request.form.get("status"),
                                   request.form.get("tracking_number"), request.form.get("note")),
            lambda order: f"Order {order.number} is now "
                          f"{history.STATUS_LABELS[order.status].lower()}.",
            detail_url(number))

    # GET shows the confirmation page; only its POST (with `confirm`) acts. Any other POST
    # (an old one-click form) gets the confirmation page too.
    @bp.route("/orders/<number>/cancel", methods=["GET", "POST"], endpoint="order_cancel")
    def order_cancel(number):
        form = CancelOrderForm()
        if form.validate_on_submit():
            return perform(lambda: cancellation.cancel(actor(), number, form.reason.data),
                           lambda order: f"Order {order.number} is cancelled, refunded and "
                                         "restocked.",
                           detail_url(number))
        return confirm_page(portal, lambda: cancellation.cancellation(actor(), number),
                            lambda p: confirmations.desk_cancel(p, detail_url(number)), form)

    @bp.route("/orders/<number>/refund", methods=["GET", "POST"], endpoint="order_refund")
    def order_refund(number):
        choice = request.form if request.method == "POST" else request.args
        form = RefundOrderForm()
        if form.validate_on_submit():
            def action():
                quantities, seq = refund_request(choice)
                return refunds.refund(actor(), number, quantities, restock=form.restock.data,
                                      reason=form.reason.data, expected_seq=seq)

            return perform(action, refund_message, detail_url(number))
        scope = "full" if choice.get("scope") == "full" else "items"
        return confirm_page(
            portal, lambda: refunds.preview(actor(), number, refund_request(choice)[0]),
            lambda p: confirmations.refund(p, detail_url(number), scope), form)
