"""Forms of the sign-up, sign-in and password pages."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Regexp

from app.services.accounts.passwords import MIN_LENGTH
from blueprints.web.forms import email_field, name_field, password_field, strip

PASSWORD_HELP = f"At least {MIN_LENGTH} characters, with a letter and a number or symbol."


class SignupForm(FlaskForm):
    name = name_field()
    email = email_field()
    password = password_field(autocomplete="new-password", description=PASSWORD_HELP)
    confirm = password_field("Repeat password", autocomplete="new-password", same_as="password")


class CodeForm(FlaskForm):
    email = HiddenField(filters=[strip])
    code = StringField("6-digit code", filters=[strip], validators=[
        DataRequired("Enter the code from the email."),
        Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message="The code is 6 digits, like 123456."),
    ], render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7})


class ResendForm(FlaskForm):
    email = HiddenField(filters=[strip])


class LoginForm(FlaskForm):
    email = email_field()
    password = password_field()
    remember = BooleanField("Keep me signed in")


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class NewPasswordForm(FlaskForm):
    password = password_field("New password", autocomplete="new-password",
                              description=PASSWORD_HELP)
    confirm = password_field("Repeat new password", autocomplete="new-password",
                             same_as="password")


class ChangePasswordForm(NewPasswordForm):
    current_password = password_field("Current password")
