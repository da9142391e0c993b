"""Form pieces every blueprint's forms share."""
import unicodedata

from flask import request
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, HiddenField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Optional, ValidationError

from app.services.accounts.email_addresses import InvalidEmail, checked_email


class ValidEmail:
    """An address by the one rule the API and `flask create-admin` use too."""

    def __call__(self, form, field):
        try:
            checked_email(field.data)
        except InvalidEmail as error:
            raise ValidationError(str(error)) from None


class PlainText:
    """Refuse control characters and markup in short single-line fields such as names."""

    def __call__(self, form, field):
        value = field.data or ""
        if any(unicodedata.category(c) in {"Cc", "Cf"} for c in value):
            raise ValidationError("Remove the invisible or control characters.")
        if "<" in value or ">" in value:
            raise ValidationError("Use letters, numbers and punctuation only (no < or >).")


# Deeper than anyone pages by hand, and small enough that OFFSET never overflows a database.
MAX_PAGE = 10_000


def page_arg(name="page"):
    """A page number from the query string: junk means page 1, anything huge the deepest page
    (a list then shows its last page, or an empty one), so no number reaches the database raw."""
    value = request.args.get(name, "").strip()
    if not (value.isascii() and value.isdigit()):
        return 1
    return max(1, min(int(value), MAX_PAGE)) if len(value) <= 9 else MAX_PAGE


class QueryForm(FlaskForm):
    """A form over a GET query string (`formdata=request.args`): nothing changes, so no CSRF."""

    class Meta:
        csrf = False


class WholeNumberField(Field):
    """A whole number typed in ASCII digits (an optional minus for a range validator to refuse).

    Anything else is `invalid`; more digits than any real value saturate at +-10**15, so a
    5,000-digit number is "too big" (for NumberRange or a clamp), never a slow int()."""

    SATURATED = 10**15

    def __init__(self, label=None, validators=None, invalid="Enter a whole number.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid = invalid

    def _value(self):
        return self.raw_data[0] if self.raw_data else ("" if self.data is None else str(self.data))

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            return
        raw = valuelist[0].strip()
        digits = raw[1:] if raw.startswith("-") else raw
        if not (digits.isascii() and digits.isdigit()):
            self.data = None
            raise ValueError(self.invalid)
        value = int(digits) if len(digits) <= 15 else self.SATURATED
        self.data = -value if raw.startswith("-") else value


def strip(value):
    return value.strip() if isinstance(value, str) else value


def email_field(label="Email"):
    return EmailField(label, filters=[strip], validators=[
        DataRequired("Enter your email address."),
        Length(max=254, message="Email addresses are at most 254 characters."),
        ValidEmail(),
    ], render_kw={"autocomplete": "email"})


def name_field(label="Full name"):
    return StringField(label, filters=[strip], validators=[
        DataRequired("Enter your name."),
        Length(max=120, message="Use at most 120 characters."),
        PlainText(),
    ], render_kw={"autocomplete": "name"})


def password_field(label="Password", autocomplete="current-password", description="",
                   same_as=None):
    validators = [
        DataRequired("Enter a password."),
        Length(max=128, message="Passwords are at most 128 characters."),
    ]
    if same_as:
        validators.append(EqualTo(same_as, message="The passwords do not match."))
    return PasswordField(label, validators=validators, description=description,
                         render_kw={"autocomplete": autocomplete})


class SingleLine:
    """Refuse control characters (line breaks included) in a one-line free-text field."""

    def __call__(self, form, field):
        if any(unicodedata.category(c) in {"Cc", "Cf"} for c in field.data or ""):
            raise ValidationError("Remove the line breaks or invisible characters.")


class ConfirmForm(FlaskForm):
    """The confirmation page of a destructive action: only a POST of this form acts, so an old
    one-click form (or a forged link) lands on the confirmation page instead."""

    # Rendered with value="yes" by the confirmation page; no default, so a POST without it fails.
    confirm = HiddenField(validators=[AnyOf(["yes"], message="Check the details below, then "
                                                            "confirm.")])


def reason_field(label, description):
    return StringField(label, filters=[strip], description=description, validators=[
        Optional(), Length(max=500, message="Keep the reason under 500 characters."),
        SingleLine(),
    ], render_kw={"maxlength": 500})


class CancelOrderForm(ConfirmForm):
    reason = reason_field("Reason for cancelling (optional)",
                          "Shown to the buyer in the order's history and the email.")


class BuyerCancelForm(ConfirmForm):
    reason = reason_field("Why are you cancelling? (optional)", "The shop sees this.")


class RefundOrderForm(ConfirmForm):
    reason = reason_field("Reason for the refund (optional)",
                          "Shown to the buyer in their notification and the email.")
    restock = BooleanField("Put the refunded units back in stock", default=True)
