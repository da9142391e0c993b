"""Account: in-app notifications, marking them read, and the navbar's unread count."""
import logging

from flask import abort, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.services.messaging import notifications
from blueprints.account import bp
from blueprints.web.forms import page_arg
from blueprints.web.navigation import safe_next

log = logging.getLogger(__name__)


@bp.app_context_processor
def _unread_notifications():
    """`unread_notifications` for every template: one COUNT per request, signed-in users only."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = notifications.unread_count(current_user.id)
        except SQLAlchemyError:
            # A badge is not worth failing a page (an error page rendered after a DB error).
            log.warning("unread notification count unavailable", exc_info=True)
            g.unread_notifications = 0
    return {"unread_notifications": g.unread_notifications}


def _back():
    """Where to return after marking read: the page the form came from, if it is ours."""
    return safe_next(request.form.get("next")) or url_for("account.notifications")


@bp.get("/notifications", endpoint="notifications")
def notifications_list():
    page = notifications.notifications_for(current_user.id, page=page_arg())
    # Only local paths become links: a stored link must not send anyone off-site.
    links = {n.id: safe_next(n.link) for n in page.items}
    return render_template("account/notifications.html", page=page, links=links)



@bp.post("/notifications/<int:notification_id>/read")
def notification_read(notification_id):
    try:
        notifications.mark_read(current_user.id, notification_id)
    except notifications.NotificationNotFound:
        abort(404)
    return redirect(_back())


@bp.post("/notifications/read-all")
def notifications_read_all():
    changed = notifications.mark_all_read(current_user.id)
    flash(f"Marked {changed} notification{'' if changed == 1 else 's'} as read." if changed
          else "You had no unread notifications.", "success" if changed else "info")
    return redirect(_back())
