"""Role gates for whole portals: anonymous people are sent to log in, others get 403."""
from flask import abort
from flask_login import current_user

from app.extensions import login_manager


def require_role(blueprint, role):
    @blueprint.before_request
    def _gate():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role != role:
            abort(403)
        return None


def require_login(blueprint):
    @blueprint.before_request
    def _gate():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None
