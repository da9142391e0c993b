"""Checkout forms: the browser sends an address id, never a price or an amount."""
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange

from app.services.shopping.cart import MAX_ID
from blueprints.cart.forms import WholeNumberField, first_error  # noqa: F401 - re-exported


class PayForm(FlaskForm):
    address_id = WholeNumberField(
        validators=[InputRequired("Choose where to send your order."),
                    NumberRange(1, MAX_ID, "Choose an address from your address book.")],
        junk_message="Choose an address from your address book.")


class TestPayForm(FlaskForm):
    """Only the CSRF token: the session id is in the URL and checked against its owner."""
