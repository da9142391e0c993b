"""Cart, wishlist and coupon forms: they read ids and quantities only, never a price."""
import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.services.shopping.cart import MAX_ID, MAX_QUANTITY

_WHOLE_NUMBER = re.compile(r"\+?[0-9]{1,12}")  # ASCII digits only; no signs, dots or exponents


class WholeNumberField(IntegerField):
    """An integer field whose junk message is set per field (and blank means 'not given')."""

    def __init__(self, label=None, validators=None, junk_message="Enter a whole number.", **kw):
        super().__init__(label, validators, **kw)
        self.junk_message = junk_message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip()
        if not raw:
            self.data = None
            return
        if not _WHOLE_NUMBER.fullmatch(raw):
            self.data = None
            raise ValueError(self.junk_message)
        self.data = int(raw)


def _id_field(missing, unknown, required=True):
    first = InputRequired(missing) if required else Optional()
    return WholeNumberField(validators=[first, NumberRange(1, MAX_ID, unknown)],
                            junk_message=unknown)


def _quantity_field(minimum, required):
    message = f"Choose a quantity from {minimum} to {MAX_QUANTITY}."
    first = InputRequired("Enter a quantity.") if required else Optional()
    return WholeNumberField("Quantity", validators=[first, NumberRange(minimum, MAX_QUANTITY,
                                                                       message)],
                            junk_message=message)


class CartAddForm(FlaskForm):
    variant_id = _id_field("Choose a colour and size first.", "We could not find that item.")
    quantity = _quantity_field(1, required=False)  # blank or absent: one
    next = HiddenField()


class CartUpdateForm(FlaskForm):
    variant_id = _id_field("Choose the item to change.", "That item is not in your cart.")
    quantity = _quantity_field(0, required=True)  # zero removes the line
    next = HiddenField()


class CartRemoveForm(FlaskForm):
    variant_id = _id_field("Choose the item to remove.", "That item is not in your cart.")
    next = HiddenField()


class CouponForm(FlaskForm):
    # Checked by the coupons service, which says what is wrong with a code.
    code = StringField("Discount code")
    next = HiddenField()


class WishlistForm(FlaskForm):
    product_id = _id_field("Choose a product.", "We could not find that product.")
    variant_id = _id_field("", "That option does not belong to this product.", required=False)
    next = HiddenField()


def first_error(form):
    """The first message of an invalid form, for a flash."""
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "Please check the form and try again."
