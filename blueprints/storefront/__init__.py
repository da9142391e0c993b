"""The shopper-facing storefront: home, catalogue, product, shop and offer pages."""
from flask import Blueprint

bp = Blueprint("storefront", __name__)

from blueprints.storefront import listing, offers, product, shops, views  # noqa: E402,F401
