"""Whole storefront pages for guests, kept in the cache layer while the catalogue stands.

A guest's page is a function of the request (path and query), the catalogue and the clock
(an event starting or ending changes prices), plus three things that differ per guest: the
CSRF token, the header's cart and wishlist counts, and any flashed message. So a guest's page
is stored under the catalogue's version (changes.version(): its generation and the next event
boundary) and the request, with the counts in the key and the token as a slot each request
fills with the visitor's own; a guest with a message waiting gets a page of their own.
Signed-in visitors always get a page rendered for them: the header names them and the page
may show what they follow or may review, and none of it may ever reach a guest. Nothing is
kept while templates auto-reload (`flask run --debug`): an edited template shows at once.

A hit reads nothing from the database, which is what keeps it: bench/catalog.py at 100k
products (2 sync workers, 16 clients, 2026-12-03) served pages from the cache for 1.7-2.4 ms
of server CPU on SQLite and 2.3-4.5 ms on PostgreSQL, where its "first visit" lines, the same
pages rendered, took 6.8-15.7 ms (SQLite) and 18.6-23.6 ms (PostgreSQL) at p50: several
times the 20% a cache must buy here to stay.
The key also holds a digest of the code and templates and the settings pages show, so a
deploy or a new BASE_URL never serves a page the old ones rendered.
"""
import hashlib
import hmac
from pathlib import Path

from flask import current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app import caching
from app.services.catalog import changes
from blueprints.cart.context import header_counts

_SOURCES = ("app", "blueprints", "templates")


def page(key, render):
    """(HTML, facts) of `render()` for this visitor; for a guest with no message waiting,
    reused while the catalogue, the code and `key` (everything of the request the page shows:
    path parts and normalised query) are the same.

    `render()` returns (HTML, facts): facts are a small value the view needs even when the
    page comes from the cache (ids to record a visit against).
    """
    if (not caching.enabled() or current_app.jinja_env.auto_reload  # a developer's templates
            or current_user.is_authenticated or session.get("_flashes")):
        return render()
    state = _state()
    parts = (state.version, changes.version(), request.script_root, header_counts(), key)
    cache_key = "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    found = caching.get(cache_key)
    if found is None:
        found = _render_with_token_slot(render, state.token_slot)
        caching.set(cache_key, found)
    html, facts = found
    return html.replace(state.token_slot, generate_csrf()), facts


def _render_with_token_slot(render, token_slot):
    """render(), with the token slot wherever the page prints the CSRF token."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    own = g.pop(field, None)
    setattr(g, field, token_slot)  # generate_csrf() answers with g's token when it has one
    try:
        html, facts = render()
        return str(html), facts
    finally:
        g.pop(field, None)
        if own is not None:
            setattr(g, field, own)


class _State:
    """Per app: the token slot (unguessable, the same in every worker: derived from the
    secret key, so no seller's or shopper's text can hold one) and the code's version."""

    def __init__(self, app):
        secret = str(app.secret_key or "").encode()
        self.token_slot = "slot-" + hmac.new(secret, b"guest-page-token", "sha256").hexdigest()
        self.version = (self.token_slot, _code_version(Path(app.root_path).parent),
                        _shown_settings(app.config))


def _state():
    app = current_app._get_current_object()
    state = app.extensions.get("guest_pages")
    if state is None:
        state = app.extensions["guest_pages"] = _State(app)
    return state


def _shown_settings(config):
    """The settings pages show: a restart with others (Stripe keys added to a demo, a new
    BASE_URL) must not serve pages rendered under the old ones, which the cache outlives."""
    return (config.get("SITE_NAME"), config.get("BASE_URL"), config.get("CURRENCY"),
            bool(config.get("DEMO_OFFLINE_PAYMENTS")), bool(config.get("STRIPE_SECRET_KEY")),
            bool(config.get("GOOGLE_CLIENT_ID")))


def _code_version(root):
    """A digest of the templates' and page code's sources."""
    sha = hashlib.sha256()
    for folder in _SOURCES:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                sha.update(str(path.relative_to(root)).encode())
                sha.update(path.read_bytes())
    return sha.hexdigest()
