"""Webhooks from the payment provider: signed, so CSRF-exempt (the signature is the check)."""
from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("webhooks", __name__)
csrf.exempt(bp)

from blueprints.webhooks import views  # noqa: E402,F401
