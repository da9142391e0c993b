"""Account: the address book (list, add, edit, delete, choose the default)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.services.accounts import addresses
from blueprints.account import bp
from blueprints.account.forms import AddressForm


def _own_address_or_404(address_id):
    try:
        return addresses.get_address(current_user.id, address_id)
    except addresses.AddressNotFound:
        abort(404)


@bp.get("/addresses", endpoint="addresses")
def addresses_list():
    book = addresses.list_addresses(current_user.id)
    return render_template("account/addresses.html", addresses=book,
                           limit=addresses.MAX_ADDRESSES)


@bp.route("/addresses/new", methods=["GET", "POST"])
def address_new():
    form = AddressForm()
    full = addresses.count_addresses(current_user.id) >= addresses.MAX_ADDRESSES
    if form.validate_on_submit():
        try:
            addresses.create_address(current_user.id, form.values(), form.make_default.data)
        except addresses.AddressError as error:
            form.form_errors.append(str(error))
        else:
            flash("Address saved.", "success")
            return redirect(url_for("account.addresses"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("account/address_form.html", form=form, address=None,
                           full=full, limit=addresses.MAX_ADDRESSES), status


@bp.route("/addresses/<int:address_id>/edit", methods=["GET", "POST"])
def address_edit(address_id):
    address = _own_address_or_404(address_id)
    form = AddressForm(obj=address)
    if form.validate_on_submit():
        try:
            addresses.update_address(current_user.id, address_id, form.values(),
                                     form.make_default.data)
        except addresses.AddressNotFound:
            abort(404)
        except addresses.AddressError as error:
            form.form_errors.append(str(error))
        else:
            flash("Address updated.", "success")
            return redirect(url_for("account.addresses"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("account/address_form.html", form=form, address=address,
                           full=False, limit=addresses.MAX_ADDRESSES), status


@bp.post("/addresses/<int:address_id>/delete")
def address_delete(address_id):
    try:
        was_default = addresses.delete_address(current_user.id, address_id)
    except addresses.AddressNotFound:
        abort(404)
    message = "Address deleted."
    if was_default and addresses.default_address(current_user.id) is not None:
        message += " Your most recent other address is now the default."
    flash(message, "success")
    return redirect(url_for("account.addresses"))


@bp.post("/addresses/<int:address_id>/default")
def address_default(address_id):
    try:
        addresses.set_default(current_user.id, address_id)
    except addresses.AddressNotFound:
        abort(404)
    flash("Default address changed.", "success")
    return redirect(url_for("account.addresses"))
