"""Whole storefront pages for guests, rendered once per distinct content and then reused.

Two guests looking at the same products see the same page but for three things: the CSRF
token (in the head and in the page's forms), the header's cart and wishlist counts, and any
flashed message. So a guest's page is reused only while no message waits for them, under a key
of everything the view shows plus the counts and the script root (not the Host header: pages
build absolute links on BASE_URL, and a client's Host must not multiply entries); the token is a
slot that every request fills with the visitor's own. Parts read fresh on every request but
rendered apart (the product page's neighbour cards) are slots too.

Pages are shared by the machine's page workers (shared_pages), so the slots are the same in
every worker and, derived from the secret key, unguessable: no seller's or shopper's text can
contain one. Signed-in visitors always get a page rendered for them: the header names them
and the page may show what they follow or may review. Off under tests unless caching is
turned on, and while templates auto-reload (see fragments.reuse).
"""
from flask import current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.caching import fragments, shared_pages
from blueprints.cart.context import header_counts


def slot(name):
    """A placeholder for `name` in a reused page, filled per request by page(slots=...)."""
    return f"{shared_pages.slot_prefix()}-{name}"


def page(key, render, slots=None):
    """The HTML `render()` makes for this visitor: for a guest with no flashed message
    waiting, reused while `key` (everything the page shows but the counts) is the same.

    `slots` maps each slot() the page holds to its HTML for this request.
    """
    if current_user.is_authenticated or session.get("_flashes"):
        html = render()
    else:
        key = ("guest-page", key, request.script_root, header_counts())
        html = fragments.reuse(key, lambda: _render_with_token_slot(render), shared=True)
        html = html.replace(slot("token"), generate_csrf())
    for name, value in (slots or {}).items():
        html = html.replace(name, str(value))
    return html


def _render_with_token_slot(render):
    """render(), with slot("token") wherever the page prints the CSRF token."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    own = g.pop(field, None)
    setattr(g, field, slot("token"))  # generate_csrf() answers with g's token when it has one
    try:
        return str(render())
    finally:
        g.pop(field, None)
        if own is not None:
            setattr(g, field, own)
