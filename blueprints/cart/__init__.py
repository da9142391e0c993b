"""Cart and wishlist: in the session for guests, in the database for signed-in shoppers."""
from flask import Blueprint

bp = Blueprint("cart", __name__)

from blueprints.cart import context, views, wishlist_views  # noqa: E402,F401

context.register(bp)
