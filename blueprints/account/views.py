"""Profile and password pages."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.services.accounts import registration
from app.services.orders import history
from blueprints.account import bp
from blueprints.auth.forms import ChangePasswordForm
from blueprints.auth.session import start_session


@bp.get("/")
def profile():
    return render_template("account/profile.html",
                           summary=history.profile_summary(current_user.id))


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            registration.change_password(current_user, form.current_password.data,
                                         form.password.data)
        except registration.WeakPassword as error:
            form.password.errors.extend(error.problems)
        except registration.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            # Other sessions were signed out by the change; keep this one.
            start_session(current_user._get_current_object())
            flash("Your password has been changed.", "success")
            return redirect(url_for("account.profile"))
    return render_template("account/password.html", form=form), 422 if form.errors else 200
