"""Chat forms: a message, and the shop (and product) a first message is about."""
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.services.messaging.chat import BODY_MAX
from app.services.shopping.cart import MAX_ID
from blueprints.web.forms import QueryForm, WholeNumberField, strip


class Subject:
    """The shop a first message goes to (a slug; None when missing or too long to be one) and
    the product it is about (an id; None for anything that is not a possible id)."""

    shop = StringField(filters=[strip], validators=[DataRequired(), Length(max=140)])
    product = WholeNumberField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])

    def subject(self):
        """(shop slug or None, product id or None), after validate()."""
        return (None if self.shop.errors else self.shop.data,
                None if self.product.errors else self.product.data)


class SubjectQuery(Subject, QueryForm):
    """?shop=<slug>&product=<id> of the page that starts a conversation."""


class MessageForm(FlaskForm):
    body = TextAreaField(filters=[strip], validators=[
        DataRequired("Write a message first."),
        Length(max=BODY_MAX, message=f"Keep a message under {BODY_MAX:,} characters.")])

    def error(self):
        """What to tell the writer about the message, after validate(): None when it may go."""
        for errors in (self.body.errors, self.errors.get("csrf_token")):
            if errors:
                return errors[0]
        return None


class FirstMessageForm(Subject, MessageForm):
    """A first message to a shop, possibly about one of its products."""
