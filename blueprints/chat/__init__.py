"""Messages between shoppers and sellers: the inbox, a conversation, a first message to a shop."""
from flask import Blueprint, g
from flask_login import current_user
from werkzeug.local import LocalProxy

from app.services.messaging import chat
from blueprints.web.guards import require_login

bp = Blueprint("chat", __name__)
require_login(bp)


def _unread():
    if not current_user.is_authenticated:
        return 0
    if "unread_messages" not in g:
        g.unread_messages = chat.unread_count(current_user.id)
    return g.unread_messages


@bp.app_context_processor
def _unread_messages():
    # Lazy: the COUNT runs only on pages that print it (the account menu and navigation).
    return {"unread_messages": LocalProxy(_unread)}

from blueprints.chat import views  # noqa: E402,F401
