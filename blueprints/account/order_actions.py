"""Account: a buyer's printable invoice, buying an order again, and cancelling it early
(after a confirmation page)."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.models.accounts import Role
from app.services.orders import cancellation, history, invoices, status
from blueprints.account import bp
from blueprints.account.orders import country_name
from blueprints.order_desk import confirmations
from blueprints.web.forms import BuyerCancelForm


@bp.get("/orders/<number>/invoice")
def order_invoice(number):
    try:
        invoice = invoices.invoice_for(current_user.id, number, current_app.config["SITE_NAME"])
    except history.OrderNotFound:
        abort(404)  # not 403: whether someone else's order exists is not ours to tell
    return render_template("account/invoice.html", invoice=invoice, order=invoice.order,
                           country_name=country_name)


@bp.post("/orders/<number>/buy-again")
def order_buy_again(number):
    if current_user.role != Role.SHOPPER:
        abort(404)  # only shoppers buy (and have orders)
    try:
        result = invoices.buy_again(current_user.id, number)
    except history.OrderNotFound:
        abort(404)
    if result.added_units:
        units = result.added_units
        flash(f"Added {units} item{'' if units == 1 else 's'} from order {number} to your cart.",
              "success")
    if result.problems:
        flash("Not added: " + " ".join(result.problems), "warning")
    return redirect(url_for("cart.view"))


# GET shows the confirmation page; only its POST (with `confirm`) cancels. Any other POST
# (an old one-click form) gets the confirmation page too.
@bp.route("/orders/<number>/cancel", methods=["GET", "POST"])
def order_cancel(number):
    buyer = status.Actor(current_user.id, Role.SHOPPER)
    back = url_for("account.order", number=number)
    form = BuyerCancelForm()
    try:
        if form.validate_on_submit():
            order = cancellation.cancel(buyer, number, form.reason.data)
            flash(f"Order {order.number} is cancelled. Your refund is on its way.", "success")
            return redirect(back)
        confirmation = confirmations.buyer_cancel(cancellation.cancellation(buyer, number), back)
    except history.OrderNotFound:
        abort(404)
    except status.OrderActionError as error:
        flash(str(error), "danger")
        return redirect(back)
    return render_template("account/order_confirm.html", confirm=confirmation, form=form), \
        422 if form.errors else 200
