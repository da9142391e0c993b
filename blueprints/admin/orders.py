"""Admin portal: every shop's orders (the shared order desk, unscoped)."""
from flask_login import current_user

from app.models.accounts import Role
from app.services.orders import status
from blueprints.admin import bp
from blueprints.order_desk import register_order_desk


def _actor():
    return status.Actor(current_user.id, Role.ADMIN)


register_order_desk(bp, "admin", _actor, lambda: None)
