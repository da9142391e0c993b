"""Every Flask extension, created once and unbound; create_app() binds them."""
from flask import current_app, request
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

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
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
