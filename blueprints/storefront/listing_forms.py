"""The listing's query string (/products) as a form: typed, range-checked values.

A filter that fails its check is dropped (the page still renders, with the other filters), and
its message is shown above the results. Whether a category, colour, size or brand exists is for
the listing service to say: only the catalogue knows.
"""
import re
from decimal import Decimal

from wtforms import BooleanField, Field, StringField
from wtforms.validators import AnyOf, Length, NumberRange, Optional

from app.services.catalog.listing.filters import MAX_VALUES, SORTS
from blueprints.web.forms import QueryForm, WholeNumberField

MAX_QUERY = 300  # characters of a search kept; the search itself keeps its first few words
_PRICE = re.compile(r"^(-?)(\d{1,12})(?:[.,](\d{1,2}))?$")
_TRUE = {"1", "true", "on", "yes"}
_NO_CATEGORY = "We have no such category; showing all categories."
_NO_SUBCATEGORY = "We have no such subcategory; ignored."
_RATING = "Rating must be a whole number of stars from 1 to 5; ignored."


def _cut(size):
    def cut(value):
        return value.strip()[:size] if isinstance(value, str) else value
    return cut


class PriceField(Field):
    """A price in major units ("12", "12.5", "12,50") as integer cents; `label` names it in
    the messages ("minimum", "maximum")."""

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        if not raw:
            return
        match = _PRICE.match(raw)
        if not match:
            raise ValueError(f"The {self.label.text} price “{raw[:20]}” is not a number; "
                             "ignored.")
        sign = -1 if match.group(1) else 1
        self.data = sign * int(Decimal(f"{match.group(2)}.{match.group(3) or '0'}") * 100)


def price_field(label):
    return PriceField(label, validators=[
        Optional(), NumberRange(min=0, message=f"The {label} price cannot be negative; ignored.")])


class FlagField(BooleanField):
    """On for 1/true/on/yes (any case), off for anything else."""

    def process_formdata(self, valuelist):
        self.data = bool(valuelist) and valuelist[0].strip().lower() in _TRUE


class ValuesField(Field):
    """A multi-valued filter (?color=Red&color=Blue): its first MAX_VALUES values, stripped."""

    def process_formdata(self, valuelist):
        self.data = [value.strip() for value in valuelist[:MAX_VALUES] if value.strip()]


class ListingQuery(QueryForm):
    q = StringField(filters=[_cut(MAX_QUERY)])
    category = StringField(filters=[_cut(200)], validators=[Length(max=100, message=_NO_CATEGORY)])
    subcategory = StringField(filters=[_cut(200)],
                              validators=[Length(max=100, message=_NO_SUBCATEGORY)])
    min_price = price_field("minimum")
    max_price = price_field("maximum")
    color = ValuesField()
    size = ValuesField()
    brand = ValuesField()
    rating = WholeNumberField(invalid=_RATING, validators=[
        Optional(), NumberRange(min=1, max=5, message=_RATING)])
    in_stock = FlagField()
    on_offer = FlagField()
    # Junk here is no mistake worth a message: the default order or the first page it is.
    sort = StringField(validators=[Optional(), AnyOf(list(SORTS))])
    page = WholeNumberField(validators=[Optional(), NumberRange(min=1)])
    QUIET = frozenset({"sort", "page"})

    def read(self):
        """(values, messages): each field that passed its checks, and why the others were
        dropped."""
        self.validate()
        values, messages = {}, []
        for field in self:
            if not field.errors:
                values[field.name] = field.data
            elif field.name not in self.QUIET:
                messages.append(field.errors[0])
        return values, messages
