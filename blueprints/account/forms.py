"""Account forms: the address book."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from blueprints.web.countries import COUNTRIES, COUNTRY_CHOICES
from blueprints.web.forms import PlainText, strip


def _text(label, required=None, max_length=100, autocomplete=None, description=""):
    """A single-line plain-text field; `required` is the message shown when it is empty."""
    validators = [DataRequired(required)] if required else [Optional()]
    validators += [Length(max=max_length, message=f"Use at most {max_length} characters."),
                   PlainText()]
    render_kw = {"maxlength": max_length}
    if autocomplete:
        render_kw["autocomplete"] = autocomplete
    return StringField(label, filters=[strip], validators=validators, render_kw=render_kw,
                       description=description)


class AddressForm(FlaskForm):
    full_name = _text("Full name", "Enter the full name of the person receiving parcels.",
                      120, "shipping name")
    line1 = _text("Address line 1", "Enter the street address.", 200, "shipping address-line1")
    line2 = _text("Address line 2 (optional)", None, 200, "shipping address-line2")
    city = _text("Town or city", "Enter the town or city.", 100, "shipping address-level2")
    region = _text("County, state or region (optional)", None, 100, "shipping address-level1")
    postal_code = StringField("Postal code", filters=[strip], validators=[
        DataRequired("Enter the postal code."),
        Length(min=2, max=12, message="Postal codes are 2 to 12 characters."),
        Regexp(r"^[A-Za-z0-9](?:[A-Za-z0-9 \-]*[A-Za-z0-9])?$",
               message="Use letters, digits, spaces and hyphens only, like SW1A 1AA or 10115."),
    ], render_kw={"autocomplete": "shipping postal-code", "maxlength": 12})
    # Checked against the list below with our own message rather than WTForms' generic one.
    country = SelectField("Country", choices=COUNTRY_CHOICES, validate_choice=False, validators=[
        DataRequired("Choose a country."),
        AnyOf(list(COUNTRIES), message="Choose a country from the list."),
    ], render_kw={"autocomplete": "shipping country"})
    phone = StringField("Phone (optional)", filters=[strip], validators=[
        Optional(), Regexp(r"^\+?[0-9 ()\-]{6,20}$",
                           message="Use digits, spaces and + ( ) - only, 6 to 20 of them."),
    ], render_kw={"autocomplete": "shipping tel", "maxlength": 20},
        description="Couriers may call this number about a delivery.")
    label = _text("Label (optional)", None, 40,
                  description="A name for this address, like Home or Work.")
    make_default = BooleanField("Use as my default address")

    def values(self):
        """The address fields as plain values for the service."""
        return {name: getattr(self, name).data for name in (
            "label", "full_name", "line1", "line2", "city", "region", "postal_code",
            "country", "phone")}
