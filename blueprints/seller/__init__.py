"""The seller portal: everything a seller does to run their shop."""
from flask import Blueprint

from app.models.accounts import Role
from blueprints.web.guards import require_role

bp = Blueprint("seller", __name__)
require_role(bp, Role.SELLER)

from blueprints.seller import orders, views  # noqa: E402,F401
