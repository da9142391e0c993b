"""Notifications: the receiver's own list, safe links, marking read and the navbar count."""
import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import template_rendered
from sqlalchemy import select

from app.extensions import db
from app.models.base import utcnow
from app.models.notifications import Notification
from tests.factories_account import create_notification
from tests.support.queries import count_queries


def read_states(in_app, user):
    return in_app(lambda: [(n.title, n.is_read, n.read_at is not None) for n in db.session.scalars(
        select(Notification).where(Notification.receiver_id == user.id).order_by(Notification.id))])


def titles_on(body):
    return re.findall(r'<p class="notification-title mb-1">\s*(?:<span[^>]*>Unread: </span>)?'
                      r'\s*(?:<a href="[^"]*">)?([^<]+?)(?:</a>)?\s*</p>', body)


def on_notifications(queries):
    return [sql for sql in queries.statements if "notifications" in sql]


@contextmanager
def rendered_contexts(app):
    seen = []

    def record(sender, template, context, **extra):
        seen.append(context)

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


def test_notifications_are_listed_newest_first(app, client, auth):
    shopper = auth.login_as("shopper")
    now = utcnow()
    create_notification(app, shopper, title="Older", created_at=now - timedelta(days=2))
    create_notification(app, shopper, title="Newer", created_at=now - timedelta(hours=1))
    body = client.get("/account/notifications").get_data(as_text=True)
    assert titles_on(body) == ["Newer", "Older"]


def test_notifications_are_paginated_twenty_per_page(app, client, auth):
    shopper = auth.login_as("shopper")
    now = utcnow()
    for k in range(23):
        create_notification(app, shopper, title=f"Note {k:02d}",
                            created_at=now - timedelta(minutes=k))
    first = titles_on(client.get("/account/notifications").get_data(as_text=True))
    second = titles_on(client.get("/account/notifications?page=2").get_data(as_text=True))
    assert first == [f"Note {k:02d}" for k in range(20)]
    assert second == ["Note 20", "Note 21", "Note 22"]
    assert titles_on(client.get("/account/notifications?page=99999").get_data(as_text=True)) \
        == second


def test_unread_notifications_are_highlighted(app, client, auth):
    shopper = auth.login_as("shopper")
    create_notification(app, shopper, title="Fresh")
    create_notification(app, shopper, title="Seen", is_read=True)
    body = client.get("/account/notifications").get_data(as_text=True)
    assert body.count("notification-item is-unread") == 1
    assert re.search(r"is-unread.*?Unread: </span>\s*Fresh", body, re.S)


def test_only_the_receivers_notifications_are_listed(app, client, auth, factory):
    auth.login_as("shopper")
    create_notification(app, factory.shopper(), title="Someone else's refund")
    body = client.get("/account/notifications").get_data(as_text=True)
    assert "Someone else" not in body
    assert "No notifications yet." in body


def test_a_local_link_becomes_a_link(app, client, auth):
    shopper = auth.login_as("shopper")
    create_notification(app, shopper, title="Shipped", link="/account/orders/BZ-1")
    body = client.get("/account/notifications").get_data(as_text=True)
    assert '<a href="/account/orders/BZ-1">Shipped</a>' in body


@pytest.mark.parametrize("link", ["https://evil.example/phish", "//evil.example",
                                  "javascript:alert(1)", "/\\evil.example", "orders"])
def test_a_link_off_the_site_is_shown_as_plain_text(app, client, auth, link):
    shopper = auth.login_as("shopper")
    create_notification(app, shopper, title="Claim your prize", link=link)
    body = client.get("/account/notifications").get_data(as_text=True)
    assert "Claim your prize" in body
    assert "evil.example" not in body
    assert "javascript:" not in body


def test_markup_in_a_notification_is_escaped(app, client, auth):
    shopper = auth.login_as("shopper")
    create_notification(app, shopper, title="<script>alert(1)</script>", message="<b>x</b>")
    body = client.get("/account/notifications").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;b&gt;x&lt;/b&gt;" in body


def test_marking_one_notification_read(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    target = create_notification(app, shopper, title="Target")
    create_notification(app, shopper, title="Other")
    response = client.post(f"/account/notifications/{target.id}/read")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/account/notifications"
    assert read_states(in_app, shopper) == [("Target", True, True), ("Other", False, False)]


def test_marking_read_returns_to_a_local_next_page_only(app, client, auth):
    shopper = auth.login_as("shopper")
    first = create_notification(app, shopper)
    second = create_notification(app, shopper)
    local = client.post(f"/account/notifications/{first.id}/read",
                        data={"next": "/account/notifications?page=2"})
    assert local.location.endswith("/account/notifications?page=2")
    offsite = client.post(f"/account/notifications/{second.id}/read",
                          data={"next": "https://evil.example/"})
    assert urlsplit(offsite.location).netloc in ("", "localhost")
    assert urlsplit(offsite.location).path == "/account/notifications"


def test_someone_elses_notification_cannot_be_marked_read(app, client, auth, factory, in_app):
    auth.login_as("shopper")
    owner = factory.shopper()
    theirs = create_notification(app, owner, title="Theirs")
    assert client.post(f"/account/notifications/{theirs.id}/read").status_code == 404
    assert read_states(in_app, owner) == [("Theirs", False, False)]


def test_unknown_notification_is_not_found(client, auth):
    auth.login_as("shopper")
    assert client.post("/account/notifications/987654/read").status_code == 404


def test_mark_all_read_changes_only_the_receivers_notifications(app, client, auth, factory,
                                                                in_app):
    shopper = auth.login_as("shopper")
    owner = factory.shopper()
    for k in range(3):
        create_notification(app, shopper, title=f"Mine {k}")
    create_notification(app, owner, title="Theirs")
    response = client.post("/account/notifications/read-all", follow_redirects=True)
    assert "Marked 3 notifications as read." in response.get_data(as_text=True)
    assert all(is_read for _, is_read, _ in read_states(in_app, shopper))
    assert read_states(in_app, owner) == [("Theirs", False, False)]


def test_mark_all_read_with_nothing_unread_says_so(client, auth):
    auth.login_as("shopper")
    response = client.post("/account/notifications/read-all", follow_redirects=True)
    assert "You had no unread notifications." in response.get_data(as_text=True)


def test_every_page_gets_the_unread_count_from_one_query(app, client, auth):
    shopper = auth.login_as("shopper")
    create_notification(app, shopper)
    create_notification(app, shopper)
    create_notification(app, shopper, is_read=True)
    with count_queries(app) as queries, rendered_contexts(app) as contexts:
        assert client.get("/").status_code == 200
    assert contexts[-1]["unread_notifications"] == 2
    counts = on_notifications(queries)
    assert len(counts) == 1 and "count" in counts[0].lower(), queries


def test_the_account_nav_shows_the_unread_badge(app, client, auth):
    shopper = auth.login_as("shopper")
    create_notification(app, shopper)
    body = client.get("/account/").get_data(as_text=True)
    assert re.search(r'text-bg-danger">1<span class="visually-hidden"> unread', body)


def test_anonymous_pages_get_zero_without_a_query(app, client):
    with count_queries(app) as queries, rendered_contexts(app) as contexts:
        assert client.get("/").status_code == 200
    assert contexts[-1]["unread_notifications"] == 0
    assert on_notifications(queries) == []


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/account/notifications"), ("POST", "/account/notifications/1/read"),
    ("POST", "/account/notifications/read-all")])
def test_anonymous_visitors_are_sent_to_log_in(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/auth/login"
