"""The one cache layer: Flask-Caching, shared by every worker process of the machine.

With CACHE_REDIS_URL (or else REDIS_URL) entries live in Redis; deploy/ gives the cache a
Redis of its own with a memory cap and an LRU eviction policy, apart from the job queues.
Without Redis they live in files in the instance folder (FileSystemCache), which the
processes of one machine share, at most CACHE_THRESHOLD of them. Either way every entry
expires (STOREFRONT_CACHE_SECONDS at most), so memory is bounded in every mode.

Entries are never invalidated one by one: keys carry the catalogue's generation
(app/services/catalog/changes.py), which every write shoppers can see turns. A cache that
fails or times out only costs speed: get() answers "not cached" and set() does nothing, for
a few seconds without asking again, rather than make every request wait on it.
"""
import logging
import time
from pathlib import Path

from flask import current_app
from flask_caching import Cache

log = logging.getLogger(__name__)

cache = Cache()

RETRY_AFTER_SECONDS = 5
_failed_at = {"when": -RETRY_AFTER_SECONDS}


def init_app(app):
    """Choose the backend from the settings: Redis, files, or none (seconds = 0)."""
    config = app.config
    seconds = config.get("STOREFRONT_CACHE_SECONDS", 0)
    redis_url = config.get("CACHE_REDIS_URL") or config.get("REDIS_URL")
    if config.get("CACHE_TYPE"):
        pass  # set explicitly (a test, or a deployment with its own backend)
    elif seconds <= 0:
        config["CACHE_TYPE"] = "NullCache"
        config.setdefault("CACHE_NO_NULL_WARNING", True)
    elif redis_url:
        config["CACHE_TYPE"] = "RedisCache"
        config["CACHE_REDIS_URL"] = redis_url
        # A slow cache must not hold pages up: give up quickly and render instead.
        config.setdefault("CACHE_OPTIONS", {"socket_timeout": 0.5,
                                            "socket_connect_timeout": 0.5})
    else:
        config["CACHE_TYPE"] = "FileSystemCache"
        config.setdefault("CACHE_DIR", str(Path(app.instance_path) / "cache"))
        config.setdefault("CACHE_THRESHOLD", 5000)
    config.setdefault("CACHE_DEFAULT_TIMEOUT", max(seconds, 1))
    config.setdefault("CACHE_KEY_PREFIX", "bazaar-cache:")
    cache.init_app(app)


def enabled():
    return current_app.config.get("CACHE_TYPE") != "NullCache"


def get(key):
    """The value stored under `key`, or None when absent, expired or the cache failed."""
    if _resting():
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - a cache must never break a page
        _failed("read")
        return None


def set(key, value, timeout=None):  # noqa: A001 - the cache's own verb
    """Store `value` under `key` for `timeout` seconds (the default when None; 0 = until
    evicted); a failing cache drops it."""
    if _resting():
        return
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:  # noqa: BLE001 - a cache must never break a page
        _failed("write")


def clear():
    """Forget every entry (tests; after restoring a database backup)."""
    try:
        cache.clear()
    except Exception:  # noqa: BLE001
        _failed("clear")


def _resting():
    return time.monotonic() - _failed_at["when"] < RETRY_AFTER_SECONDS


def _failed(operation):
    _failed_at["when"] = time.monotonic()
    log.warning("cache %s failed; pages are rendered without it for %d s", operation,
                RETRY_AFTER_SECONDS, exc_info=True)
