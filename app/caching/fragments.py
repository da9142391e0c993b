"""Rendered HTML fragments kept in this process, keyed by everything they show.

A key that holds every input of a template (the rows it prints, the filters its links carry)
is never stale: different data is a different key, so entries are only ever evicted, least
recently used first, to stay within MAX_BYTES. Only for templates that read nothing about the
visitor (no user, no session, no CSRF token). Off when cache_seconds() is 0 (under tests), so
every test renders the templates themselves, and when templates auto-reload (development).
"""
import threading
from collections import OrderedDict

from flask import current_app, render_template
from markupsafe import Markup

from app.caching import shared_pages
from app.services.catalog.listing.filters import cache_seconds

MAX_BYTES = 64 * 1024 * 1024
_lock = threading.Lock()
_entries = OrderedDict()  # digest -> html
_size = 0


def render(template, key, **context):
    """render_template(template, **context), reused while `key` (hashable, holding every
    input the template shows) is the same."""
    return Markup(reuse((template, key), lambda: render_template(template, **context)))


def reuse(key, make, shared=False):
    """The HTML string make() returns, reused while `key` (hashable, holding every input of
    that HTML) is the same. `shared`: also kept for the machine's other page workers
    (shared_pages), for pages each worker would otherwise render once more."""
    if cache_seconds() <= 0 or current_app.jinja_env.auto_reload:
        # Under tests, and where templates may change under a running dev server.
        return make()
    with _lock:  # keys are compared whole on a hit here
        html = _entries.get(key)
        if html is not None:
            _entries.move_to_end(key)
            return html
    key_digest = shared_pages.digest(key) if shared else None
    html = shared_pages.get(key_digest) if shared else None
    if html is None:
        html = str(make())
        if shared:
            shared_pages.put(key_digest, html)
    _remember(key, html)
    return html


def _remember(key, html):
    global _size
    with _lock:
        if key in _entries:
            return
        _entries[key] = html
        _size += len(html)
        while _size > MAX_BYTES and _entries:
            _, dropped = _entries.popitem(last=False)
            _size -= len(dropped)


def clear():
    global _size
    with _lock:
        _entries.clear()
        _size = 0
