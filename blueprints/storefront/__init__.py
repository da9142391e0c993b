"""The shopper-facing storefront."""
from flask import Blueprint

bp = Blueprint("storefront", __name__)

from blueprints.storefront import views  # noqa: E402,F401
