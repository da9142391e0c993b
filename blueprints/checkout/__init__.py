"""Checkout: review and pay, the provider's return pages, and the offline test payment page."""
from flask import Blueprint

bp = Blueprint("checkout", __name__)

from blueprints.checkout import views  # noqa: E402,F401
