"""The JSON API (version 1): token authenticated, no cookies, no CSRF."""
from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)
from blueprints.api import auth, me  # noqa: E402,F401
