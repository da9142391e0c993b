"""In-app notifications: a person's own list, unread count and marking them read."""
from sqlalchemy import func, select, update

from app.extensions import db
from app.models.base import utcnow
from app.models.notifications import Notification

PER_PAGE = 20


class NotificationNotFound(Exception):
    def __init__(self):
        super().__init__("That notification is not in your account.")


def add_notification(receiver_id, title, message=None, link=None, creator_id=None):
    """Queue a notification in the caller's transaction (the caller commits)."""
    notification = Notification(receiver_id=receiver_id, creator_id=creator_id,
                                title=title[:200], message=message, link=(link or None),
                                is_read=False, created_at=utcnow())
    db.session.add(notification)
    return notification


def notifications_for(user_id, page=1, per_page=PER_PAGE):
    """One page of the receiver's notifications, newest first (past the end: the last page)."""
    query = (select(Notification).where(Notification.receiver_id == user_id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    page = max(1, min(page, 1_000_000))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if not result.items and page > 1 and result.pages:
        result = db.paginate(query, page=result.pages, per_page=per_page, error_out=False)
    return result


def unread_count(user_id):
    """One COUNT on the (receiver_id, is_read) index."""
    return db.session.scalar(
        select(func.count(Notification.id))
        .where(Notification.receiver_id == user_id, Notification.is_read.is_(False))
    ) or 0


def mark_read(user_id, notification_id):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.receiver_id != user_id:
        raise NotificationNotFound()
    notification.mark_read()
    db.session.commit()
    return notification


def mark_all_read(user_id):
    """Mark every unread notification of the receiver read; returns how many changed."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.receiver_id == user_id, Notification.is_read.is_(False))
        .values(is_read=True, read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
