"""One way to run background work: RQ on Redis when configured, in-process otherwise."""
import importlib
import logging

from flask import current_app

log = logging.getLogger(__name__)

QUEUES = ("emails", "payments", "default", "recs")


def _dotted_name(func):
    return func if isinstance(func, str) else f"{func.__module__}.{func.__qualname__}"


def resolve(dotted):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


class _Queues:
    """One app's connection and queues (apps in one process may differ: tests build several)."""

    def __init__(self, url):
        self.redis = None
        self.queues = {}
        if url:
            from redis import Redis
            from rq import Queue

            self.redis = Redis.from_url(url)
            self.queues = {name: Queue(name, connection=self.redis) for name in QUEUES}


class JobQueue:
    """Runs job functions through RQ when REDIS_URL is set and inline otherwise.

    Jobs are plain functions taking plain values; they are referenced by dotted name so the
    worker imports the same function the embedded mode calls. The state belongs to the
    current app, so this one shared object serves every app in the process.
    """

    def init_app(self, app):
        app.extensions["jobs"] = _Queues(app.config.get("REDIS_URL"))

    @property
    def _state(self):
        return current_app.extensions["jobs"]

    @property
    def redis(self):
        return self._state.redis

    @property
    def is_async(self):
        return self._state.redis is not None

    def queue(self, name):
        return self._state.queues[name]

    def enqueue(self, func, *args, queue="default", retries=3, **kwargs):
        """Run `func(*args, **kwargs)` as a job; returns the RQ job, or None when run inline."""
        name = _dotted_name(func)
        if not self.is_async:
            resolve(name)(*args, **kwargs)
            return None
        from rq import Retry

        return self.queue(queue).enqueue(
            name, *args, retry=Retry(max=retries, interval=[5, 30, 120]), **kwargs
        )

    def enqueue_in(self, delay, func, *args, queue="default", **kwargs):
        """Run a job after `delay` (a timedelta); inline mode leaves it to the periodic sweep."""
        if not self.is_async:
            log.info("no job queue: %s left to the periodic sweep", _dotted_name(func))
            return None
        return self.queue(queue).enqueue_in(delay, _dotted_name(func), *args, **kwargs)
