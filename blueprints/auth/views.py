"""Views of the sign-up, verification, sign-in and password reset flows."""
from contextlib import suppress

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import limiter
from app.models.accounts import Role
from app.services.accounts import otp, registration
from app.services.accounts.email_addresses import InvalidEmail, checked_email
from blueprints.auth import bp
from blueprints.auth.forms import (
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ResendForm,
    SignupForm,
)
from blueprints.auth.session import end_session, start_session
from blueprints.web.navigation import landing_for, safe_next


def _login_limit():
    return current_app.config["RATELIMIT_LOGIN"]


def _otp_limit():
    return current_app.config["RATELIMIT_OTP"]


def _email_param(value):
    """The normalised address from a query or hidden field, or "" if it is not an address."""
    try:
        return checked_email(value)
    except InvalidEmail:
        return ""


def _email_key():
    return "email:" + registration.normalise_email(request.form.get("email", ""))[:254]


def _signup(role, template):
    if current_user.is_authenticated:
        return redirect(landing_for(current_user))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            registration.register(form.email.data, form.name.data, form.password.data, role=role)
        except registration.WeakPassword as error:
            form.password.errors.extend(error.problems)
        except (registration.EmailBlocked, otp.OtpError) as error:
            form.form_errors.append(str(error))
        else:
            email = registration.normalise_email(form.email.data)
            return redirect(url_for("auth.verify", email=email))
    return render_template(template, form=form), 200 if not form.errors else 422


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_otp_limit, methods=["POST"])
def signup():
    return _signup(Role.SHOPPER, "auth/signup.html")


@bp.route("/seller/signup", methods=["GET", "POST"])
@limiter.limit(_otp_limit, methods=["POST"])
def seller_signup():
    return _signup(Role.SELLER, "auth/seller_signup.html")


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(_otp_limit, methods=["POST"])
def verify():
    email = _email_param(request.values.get("email", ""))
    form = CodeForm(email=email)
    if not email:
        flash("Start by signing up or logging in.", "info")
        return redirect(url_for("auth.signup"))
    if form.validate_on_submit():
        try:
            user = registration.verify_signup(email, form.code.data)
        except otp.OtpError as error:
            form.code.errors.append(str(error))
        else:
            start_session(user)
            flash("Your email is verified. Welcome!", "success")
            if user.is_seller:
                return redirect(url_for("seller.shop_create"))
            return redirect(landing_for(user))
    wait = otp.resend_wait(otp.SIGNUP, email)
    status = 422 if form.errors else 200
    return render_template("auth/verify.html", form=form, resend_form=ResendForm(email=email),
                           email=email, resend_wait=wait), status


@bp.post("/verify/resend")
@limiter.limit(_otp_limit)
def verify_resend():
    form = ResendForm()
    email = _email_param(form.email.data)
    if not email:
        return redirect(url_for("auth.signup"))
    try:
        registration.send_signup_code(email)
    except otp.OtpError as error:
        flash(str(error), "warning")
    else:
        flash(f"We sent a new code to {email}.", "success")
    return redirect(url_for("auth.verify", email=email))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit("30 per hour", methods=["POST"], key_func=_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(landing_for(current_user, request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = registration.authenticate(form.email.data, form.password.data)
        except registration.EmailNotVerified as error:
            email = registration.normalise_email(form.email.data)
            # A recent code may still be valid; the verify page offers a resend.
            with suppress(otp.OtpError):
                registration.send_signup_code(email)
            flash(str(error), "warning")
            return redirect(url_for("auth.verify", email=email))
        except registration.AccountError as error:
            form.form_errors.append(str(error))
        else:
            start_session(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(landing_for(user, request.args.get("next")))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form,
                           next=safe_next(request.args.get("next"))), status


@bp.post("/logout")
def logout():
    end_session()
    flash("You have been logged out.", "info")
    return redirect(url_for("storefront.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_otp_limit, methods=["POST"])
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = registration.normalise_email(form.email.data)
        try:
            registration.start_password_reset(email)
        except otp.OtpError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"If {email} has an account, we have emailed it a code.", "info")
            return redirect(url_for("auth.reset_verify", email=email))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/reset/verify", methods=["GET", "POST"])
@limiter.limit(_otp_limit, methods=["POST"])
def reset_verify():
    email = _email_param(request.values.get("email", ""))
    if not email:
        return redirect(url_for("auth.forgot"))
    form = CodeForm(email=email)
    if form.validate_on_submit():
        try:
            token = registration.verify_reset_code(email, form.code.data)
        except otp.OtpError as error:
            form.code.errors.append(str(error))
        else:
            return redirect(url_for("auth.reset_password", token=token))
    return render_template("auth/reset_verify.html", form=form, email=email), (
        422 if form.errors else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        registration.user_for_reset_token(token)
    except registration.InvalidResetToken as error:
        flash(str(error), "warning")
        return redirect(url_for("auth.forgot"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            registration.reset_password(token, form.password.data)
        except registration.WeakPassword as error:
            form.password.errors.extend(error.problems)
        except registration.InvalidResetToken as error:
            flash(str(error), "warning")
            return redirect(url_for("auth.forgot"))
        else:
            end_session()
            flash("Your password has been changed. Log in with your new password.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200
