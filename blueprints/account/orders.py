"""Account: the shopper's orders and one order's details with its tracking timeline."""
from flask import abort, render_template, request
from flask_login import current_user

from app.models.orders import OrderStatus
from app.services.orders import history
from blueprints.account import bp
from blueprints.web.countries import COUNTRIES
from blueprints.web.forms import page_arg

# Bootstrap badge colour per status, so the list and the detail page agree.
STATUS_BADGES = {
    OrderStatus.PLACED: "text-bg-secondary",
    OrderStatus.PACKED: "text-bg-info",
    OrderStatus.SHIPPED: "text-bg-primary",
    OrderStatus.OUT_FOR_DELIVERY: "text-bg-primary",
    OrderStatus.DELIVERED: "text-bg-success",
    OrderStatus.CANCELLED: "text-bg-danger",
    OrderStatus.REFUNDED: "text-bg-warning",
}


def order_status_badge(status):
    """(label, CSS classes) of an order status for a badge."""
    status = OrderStatus(status)
    return history.STATUS_LABELS[status], STATUS_BADGES[status]


def country_name(code):
    return COUNTRIES.get((code or "").upper(), code or "")


@bp.context_processor
def _account_helpers():
    return {"country_name": country_name, "order_status_badge": order_status_badge}


def _page():
    return page_arg()


@bp.get("/orders")
def orders():
    status = history.parse_status(request.args.get("status"))
    page = history.orders_for(current_user.id, status=status, page=_page())
    ids = [order.id for order in page.items]
    return render_template("account/orders.html", page=page, status=status,
                           counts=history.item_counts(ids),
                           partly_refunded=history.partly_refunded(ids),
                           statuses=list(OrderStatus), labels=history.STATUS_LABELS)


@bp.get("/orders/<number>")
def order(number):
    try:
        details = history.order_details(current_user.id, number)
    except history.OrderNotFound:
        abort(404)  # not 403: whether someone else's order exists is not ours to tell
    return render_template("account/order.html", order=details.order, shop=details.shop,
                           steps=details.steps, slugs=details.slugs, reviewed=details.reviewed)
