"""Rendered pages shared by this machine's page workers: each is rendered once, not per worker.

The keys are everything a page shows (see blueprints/storefront/guest_pages.py), so an entry is
never stale, only evicted. With Redis configured, entries live there for an hour; in the
embedded mode they live in a SQLite file of their own in the instance folder (not the shop's
database, whose single writer they would queue behind), at most MAX_ENTRIES of them. An entry
is tied to this code: its digest covers the source of every template and module that renders
pages, so a deploy never serves a page rendered by the old code. A store that fails or is busy
only costs speed: the page is rendered as if nothing was stored.
"""
import hashlib
import hmac
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

MAX_ENTRIES = 4000  # about 30 kB each
REDIS_SECONDS = 3600
TRIM_EVERY = 500  # writes
_SOURCES = ("app", "blueprints", "templates")


def digest(key):
    """A digest of `key` under this code and this app's secret (see slot_prefix())."""
    state = _state()
    return hashlib.sha256(f"{state.version}\n{key!r}".encode()).digest()


def get(key_digest):
    try:
        return _state().store.get(key_digest)
    except Exception:  # noqa: BLE001 - a cache must never break a page
        log.debug("shared page cache read failed", exc_info=True)
        return None


def put(key_digest, html):
    try:
        _state().store.put(key_digest, html)
    except Exception:  # noqa: BLE001 - a cache must never break a page
        log.debug("shared page cache write failed", exc_info=True)


def clear(app):
    with app.app_context():
        _state().store.clear()


def slot_prefix():
    """The same in every worker of this app, and unguessable: derived from the secret key."""
    return _state().slots


class _State:
    def __init__(self, app):
        secret = str(app.secret_key or "").encode()
        self.slots = "slot-" + hmac.new(secret, b"guest-page-slots", "sha256").hexdigest()[:32]
        self.version = (f"{self.slots}:{_code_version(Path(app.root_path).parent)}:"
                        f"{_shown_settings(app.config)!r}")
        redis = app.extensions["jobs"].redis
        path = app.config.get("PAGE_CACHE_PATH") or Path(app.instance_path) / "page-cache.sqlite3"
        self.store = _RedisStore(redis) if redis is not None else _SqliteStore(path)


_states_lock = threading.Lock()


def _state():
    app = current_app._get_current_object()
    state = app.extensions.get("shared_pages")
    if state is None:
        with _states_lock:
            state = app.extensions.get("shared_pages") or _State(app)
            app.extensions["shared_pages"] = state
    return state


def _shown_settings(config):
    """The settings pages show: a restart with others (Stripe keys added to a demo, a new
    BASE_URL) must not serve pages rendered under the old ones, which the store outlives."""
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


class _RedisStore:
    PREFIX = b"bazaar:page:"

    def __init__(self, redis):
        self.redis = redis

    def get(self, key_digest):
        html = self.redis.get(self.PREFIX + key_digest)
        return html.decode() if html is not None else None

    def put(self, key_digest, html):
        self.redis.set(self.PREFIX + key_digest, html.encode(), ex=REDIS_SECONDS)

    def clear(self):
        for key in self.redis.scan_iter(match=self.PREFIX + b"*", count=500):
            self.redis.delete(key)


class _SqliteStore:
    """One connection per thread and process; writes give up at once if another holds the
    lock (the next worker to miss the page will store it)."""

    def __init__(self, path):
        self.path = path
        self.local = threading.local()
        self.writes = 0

    def _connection(self):
        local = self.local
        if getattr(local, "pid", None) != os.getpid():
            connection = sqlite3.connect(self.path, timeout=0.01, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")  # a lost entry is only a miss
            connection.execute("CREATE TABLE IF NOT EXISTS pages (digest BLOB PRIMARY KEY, "
                               "html TEXT NOT NULL, stored_at REAL NOT NULL)")
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    def get(self, key_digest):
        row = self._connection().execute("SELECT html FROM pages WHERE digest = ?",
                                          (key_digest,)).fetchone()
        return row[0] if row else None

    def put(self, key_digest, html):
        connection = self._connection()
        connection.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
                           (key_digest, html, time.time()))
        self.writes += 1
        if self.writes % TRIM_EVERY == 0:
            connection.execute(
                "DELETE FROM pages WHERE rowid IN (SELECT rowid FROM pages ORDER BY stored_at "
                "LIMIT max(0, (SELECT count(*) FROM pages) - ?))", (MAX_ENTRIES,))

    def clear(self):
        self._connection().execute("DELETE FROM pages")
