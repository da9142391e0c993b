"""The order desk's query strings as forms: the list's filters, and the refund choice."""
from wtforms import StringField
from wtforms.validators import AnyOf, NumberRange, Optional

from app.models.orders import OrderStatus
from app.services.orders.refunds import RefundError
from app.services.shopping.cart import valid_id
from blueprints.web.forms import MAX_PAGE, QueryForm, WholeNumberField

MAX_UNITS = 10_000  # more than any order line; larger numbers are typing mistakes
MAX_SEARCH = 64  # characters of an order number or a name
DAMAGED = "The form was damaged. Reload the page and try again."
NOT_WHOLE = "Enter how many of each item to refund as whole numbers."


def _cut(value):
    return value.strip()[:MAX_SEARCH] if isinstance(value, str) else value


def _clamp_page(value):
    return min(value, MAX_PAGE) if value is not None else value


class OrdersQuery(QueryForm):
    """?status=&q=&page= of an orders list: an unknown status means every status, junk page 1."""

    status = StringField(validators=[Optional(), AnyOf([s.value for s in OrderStatus])])
    q = StringField(filters=[_cut])
    page = WholeNumberField(filters=[_clamp_page], validators=[Optional(), NumberRange(min=1)])

    def read(self):
        """(status or None, search text, page number)."""
        self.validate()
        status = OrderStatus(self.status.data) if self.status.data and not self.status.errors \
            else None
        page = self.page.data if self.page.data and not self.page.errors else 1
        return status, self.q.data or "", page


def units_field():
    return WholeNumberField(invalid=NOT_WHOLE, validators=[
        Optional(), NumberRange(min=0, max=MAX_UNITS, message=NOT_WHOLE)])


class RefundChoice(QueryForm):
    """What to refund, from the order page's query string or the confirmation form: `scope`
    "full", or units per item in `qty-<item id>` fields (one field per id sent), and the
    `refund_seq` the page was drawn at.

    The confirmation form's CSRF token is checked by RefundOrderForm; this one only reads."""

    scope = StringField()
    refund_seq = WholeNumberField(invalid=DAMAGED, validators=[
        Optional(), NumberRange(min=0, max=MAX_UNITS, message=DAMAGED)])

    @classmethod
    def read(cls, formdata):
        """(quantities {item id: units} or None for a full refund, expected refund_seq or None);
        RefundError says what is wrong with a damaged form or a quantity that is no number."""
        keys = [key for key in formdata if key.startswith("qty-")]
        if any(valid_id(key[4:]) is None for key in keys):
            raise RefundError(NOT_WHOLE)
        form_class = type("RefundItems", (cls,), {key: units_field() for key in keys})
        form = form_class(formdata=formdata)
        form.validate()
        if form.refund_seq.errors:
            raise RefundError(form.refund_seq.errors[0])
        if form.scope.data == "full":
            return None, form.refund_seq.data
        quantities = {}
        for key in keys:
            field = form[key]
            if field.errors:
                raise RefundError(field.errors[0])
            quantities[valid_id(key[4:])] = field.data or 0
        return quantities, form.refund_seq.data
