"""The admin portal: running the whole marketplace."""
from flask import Blueprint

from app.models.accounts import Role
from blueprints.web.guards import require_role

bp = Blueprint("admin", __name__)
require_role(bp, Role.ADMIN)

from blueprints.admin import orders, views  # noqa: E402,F401
