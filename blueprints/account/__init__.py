"""The signed-in person's own account pages."""
from flask import Blueprint

from blueprints.web.guards import require_login

bp = Blueprint("account", __name__)
require_login(bp)

from blueprints.account import (  # noqa: E402,F401
    addresses,
    following,
    notifications,
    order_actions,
    orders,
    sessions,
    views,
)
