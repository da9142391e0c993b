"""Sign-up, email verification, sign-in, sign-out and password reset pages."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from blueprints.auth import google, views  # noqa: E402,F401  (routes register on import)
