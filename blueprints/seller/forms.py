"""Seller portal forms."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from blueprints.web.countries import COUNTRY_CHOICES
from blueprints.web.forms import PlainText, strip


class ShopForm(FlaskForm):
    name = StringField("Shop name", filters=[strip], validators=[
        DataRequired("Give your shop a name."),
        Length(min=2, max=120, message="Shop names are 2 to 120 characters."),
        PlainText(),
    ])
    description = TextAreaField("About your shop", filters=[strip], validators=[
        Optional(), Length(max=2000, message="Keep the description under 2,000 characters."),
        PlainText(),
    ], description="Shown on your shop page. Plain text.")
    country = SelectField("Country", choices=COUNTRY_CHOICES,
                          validators=[DataRequired("Choose the country you ship from.")])
    city = StringField("City", filters=[strip], validators=[
        Optional(), Length(max=100, message="Use at most 100 characters."), PlainText()])
    phone = StringField("Phone", filters=[strip], validators=[
        Optional(), Regexp(r"^\+?[0-9 ()\-]{6,20}$",
                           message="Use digits, spaces and + ( ) - only, 6 to 20 of them.")])
