"""How a browser session maps back to a user: id plus a version that password changes bump."""
from app.extensions import db
from app.models.accounts import User


def load_user_from_session_id(session_id):
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.is_banned or user.session_version != int(version):
        return None
    return user
