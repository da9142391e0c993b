"""Form pieces every blueprint's forms share."""
import unicodedata

from email_validator import EmailNotValidError, validate_email
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError


class ValidEmail:
    """A syntactically valid address (no DNS look-up: nothing here reaches the internet)."""

    def __call__(self, form, field):
        try:
            validate_email(field.data or "", check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError("Enter a valid email address, like name@example.com.") from None


class PlainText:
    """Refuse control characters and markup in short single-line fields such as names."""

    def __call__(self, form, field):
        value = field.data or ""
        if any(unicodedata.category(c) in {"Cc", "Cf"} for c in value):
            raise ValidationError("Remove the invisible or control characters.")
        if "<" in value or ">" in value:
            raise ValidationError("Use letters, numbers and punctuation only (no < or >).")


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
