"""Seller dashboard and shop creation."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.services.shops import opening as shop_opening
from blueprints.seller import bp
from blueprints.seller.forms import ShopForm


@bp.before_request
def _needs_shop():
    # A seller's first stop is opening the shop; every other page needs one.
    if request.endpoint != "seller.shop_create" and shop_opening.shop_of(current_user.id) is None:
        return redirect(url_for("seller.shop_create"))
    return None


@bp.get("/")
def dashboard():
    shop = shop_opening.shop_of(current_user.id)
    return render_template("seller/dashboard.html", shop=shop)


@bp.route("/shop/new", methods=["GET", "POST"])
def shop_create():
    if shop_opening.shop_of(current_user.id) is not None:
        return redirect(url_for("seller.dashboard"))
    form = ShopForm()
    if form.validate_on_submit():
        try:
            shop_opening.create_shop(current_user, form.name.data, form.description.data,
                              form.country.data, form.city.data, form.phone.data)
        except shop_opening.ShopError as error:
            form.form_errors.append(str(error))
        else:
            flash("Your shop is open. Add your first products next.", "success")
            return redirect(url_for("seller.dashboard"))
    return render_template("seller/shop_create.html", form=form), 422 if form.errors else 200
