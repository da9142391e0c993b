"""Account: sign out everywhere, after a confirmation page that works without JavaScript."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.services.accounts import sessions
from blueprints.account import bp
from blueprints.auth.session import end_session


@bp.route("/sign-out-everywhere", methods=["GET", "POST"])
def sign_out_everywhere():
    form = FlaskForm()  # nothing to fill in: it carries the CSRF token
    if form.validate_on_submit():
        sessions.sign_out_everywhere(current_user.id)
        end_session()
        flash("You have been signed out on every browser and device, including this one.",
              "success")
        return redirect(url_for("auth.login"))
    browsers = sessions.sessions_of(current_user.id, current_user.session_key)
    return render_template("account/sign_out_everywhere.html", form=form, browsers=browsers)
