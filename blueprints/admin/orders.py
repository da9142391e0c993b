"""Admin portal: every shop's orders, one order's page, moving, cancelling and refunding it."""
from flask import abort, render_template, request, url_for
from flask_login import current_user

from app.models.accounts import Role
from app.services import order_history, orders, refunds
from blueprints.admin import bp
from blueprints.seller.orders import (
    detail_context,
    list_context,
    perform,
    refund_message,
    refund_request,
)


def _actor():
    return orders.Actor(current_user.id, Role.ADMIN)


@bp.get("/orders", endpoint="orders")
def orders_list():
    return render_template("admin/orders.html", **list_context(None))


@bp.get("/orders/<number>", endpoint="order")
def order_detail(number):
    try:
        order = orders.find_order(_actor(), number)
    except order_history.OrderNotFound:
        abort(404)
    return render_template("admin/orders_show.html", **detail_context(order))


@bp.post("/orders/<number>/status")
def order_advance(number):
    return perform(
        lambda: orders.advance(_actor(), number, request.form.get("status"),
                               request.form.get("tracking_number"), request.form.get("note")),
        lambda order: f"Order {order.number} is now "
                      f"{order_history.STATUS_LABELS[order.status].lower()}.",
        url_for("admin.order", number=number))


@bp.post("/orders/<number>/cancel")
def order_cancel(number):
    return perform(lambda: orders.cancel(_actor(), number, request.form.get("reason")),
                   lambda order: f"Order {order.number} is cancelled, refunded and restocked.",
                   url_for("admin.order", number=number))


@bp.post("/orders/<number>/refund")
def order_refund(number):
    def action():
        quantities, restock, reason, seq = refund_request()
        return refunds.refund(_actor(), number, quantities, restock=restock, reason=reason,
                              expected_seq=seq)

    return perform(action, refund_message, url_for("admin.order", number=number))
