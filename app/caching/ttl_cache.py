"""A short-lived cache of JSON-able values: Redis when configured, else this process's memory."""
# Only for values that may be a little stale (counts, facet lists, a page's ids), never for
# anything about one user, money or stock. Values handed out are shared: do not mutate them.
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict

from app.extensions import jobs

log = logging.getLogger(__name__)

MAX_ENTRIES = 2048  # bounds memory: keys come from what visitors type
_PREFIX = "bazaar:cache:"
_lock = threading.Lock()
_entries = OrderedDict()  # key -> (expires_at, value), least recently used first
_redis_failed_at = 0.0


def make_key(*parts):
    """A short stable key from any JSON-able parts (filters, names)."""
    raw = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def cached(key, ttl, compute):
    """compute() once per ttl seconds for this key; ttl <= 0 computes every time.

    The value goes through JSON either way, so a hit and a miss hand back the same shapes.
    """
    if ttl > 0:
        found, value = _get(key)
        if found:
            return value
    value = json.loads(json.dumps(compute()))
    if ttl > 0:
        _set(key, value, ttl)
    return value


def clear():
    """Forget every cached value (tests, or after a bulk import that must show at once)."""
    with _lock:
        _entries.clear()
    redis = _redis()
    if redis is not None:
        try:
            keys = list(redis.scan_iter(match=_PREFIX + "*", count=1000))
            if keys:
                redis.delete(*keys)
        except Exception:
            _redis_error()


def _redis():
    # After a Redis error, use memory for a while rather than fail or wait on every request.
    if jobs.redis is None or time.monotonic() - _redis_failed_at < 30:
        return None
    return jobs.redis


def _redis_error():
    global _redis_failed_at
    _redis_failed_at = time.monotonic()
    log.warning("cache: Redis unavailable, using process memory for 30 s", exc_info=True)


def _get(key):
    redis = _redis()
    if redis is not None:
        try:
            raw = redis.get(_PREFIX + key)
            return (True, json.loads(raw)) if raw is not None else (False, None)
        except Exception:
            _redis_error()
    with _lock:
        entry = _entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        _entries.move_to_end(key)
        return True, entry[1]


def _set(key, value, ttl):
    redis = _redis()
    if redis is not None:
        try:
            redis.set(_PREFIX + key, json.dumps(value), ex=int(ttl))
            return
        except Exception:
            _redis_error()
    with _lock:
        _entries[key] = (time.monotonic() + ttl, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
