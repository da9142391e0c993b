"""Every Flask extension, created once and unbound; create_app() binds them."""
from flask import current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.jobs import JobQueue
from app.models.base import Base


class SignedInSessionProtection(LoginManager):
    """Session protection for signed-in sessions only.

    Flask-Login checks any non-empty session against the browser's fingerprint. A guest's
    session (a CSRF token, a cart) has no fingerprint and no user to protect, so in "strong"
    mode every guest page was a failed check: the session cookie rewritten and a
    remember-me deletion cookie sent on every response.
    """

    def _session_protection_failed(self):
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = SignedInSessionProtection()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@limiter.request_filter
def _not_rate_limited():
    # Every limit guards a POST (logins, codes, payments; a test keeps it so), so reading a
    # page skips the limiter's per-request work entirely.
    if request.method in ("GET", "HEAD"):
        return True
    return not current_app.config.get("RATELIMIT_ENABLED", True)


mail = Mail()
socketio = SocketIO()
jobs = JobQueue()
