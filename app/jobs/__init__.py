"""One way to run background work: RQ on Redis when configured, in-process otherwise."""
import importlib
import logging
import time
from datetime import UTC

from flask import current_app
from redis.exceptions import RedisError

from app.jobs import deferred
from app.models.base import utcnow

log = logging.getLogger(__name__)

QUEUES = ("emails", "payments", "default", "recs")
# After Redis refuses a job, the next ones go straight to the database for this long, so an
# outage costs each request one failed connection at most every this many seconds.
REDIS_RETRY_SECONDS = 10


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
        self.failed_at = None  # monotonic time Redis last refused a job, while it is down
        self.kept = False  # this process kept jobs in the database that Redis has not got yet
        if url:
            from redis import Redis
            from rq import Queue

            # Fail fast rather than hang a request when Redis is unreachable.
            self.redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
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
        """Run `func(*args, **kwargs)` as a job; returns the RQ job, or None when run inline
        or kept in the database until Redis is back."""
        name = _dotted_name(func)
        if not self.is_async:
            resolve(name)(*args, **kwargs)
            return None
        return self._send(name, args, kwargs, queue, retries)

    def enqueue_in(self, delay, func, *args, queue="default", **kwargs):
        """Run a job after `delay` (a timedelta); inline mode leaves it to the periodic sweep."""
        if not self.is_async:
            log.info("no job queue: %s left to the periodic sweep", _dotted_name(func))
            return None
        return self._send(_dotted_name(func), args, kwargs, queue, 0, run_at=utcnow() + delay)

    def release_deferred(self):
        """Queue the jobs kept while Redis was down (a periodic job calls this); how many."""
        if not self.is_async:
            return 0
        return deferred.release(self._engine, self._to_rq)

    @property
    def _engine(self):
        return current_app.extensions["sqlalchemy"].engine

    def _send(self, name, args, kwargs, queue, retries, run_at=None):
        """Queue through RQ; if Redis fails, keep the job in the database and return None."""
        state = self._state
        if state.failed_at is None or time.monotonic() - state.failed_at >= REDIS_RETRY_SECONDS:
            try:
                job = self._to_rq(name, args, kwargs, queue, retries, run_at)
            except RedisError:
                if state.failed_at is None:
                    log.warning("job queue: Redis unavailable; jobs are kept in the database "
                                "and queued when it is back", exc_info=True)
                state.failed_at = time.monotonic()
            else:
                if state.failed_at is not None:
                    log.info("job queue: Redis is back")
                    state.failed_at = None
                if state.kept:
                    self._release_kept(state)
                return job
        deferred.keep(self._engine, name, args, kwargs, queue, retries, run_at)
        state.kept = True
        return None

    def _release_kept(self, state):
        # One batch on the request path; if more are left, the next enqueue (or the periodic
        # job) takes the next batch.
        state.kept = False
        try:
            sent = deferred.release(self._engine, self._to_rq, limit=deferred.BATCH)
        except Exception:
            state.kept = True
            log.warning("job queue: kept jobs not queued yet", exc_info=True)
            return
        state.kept = sent >= deferred.BATCH

    def _to_rq(self, name, args, kwargs, queue, retries, run_at=None):
        from rq import Retry

        if retries:
            kwargs = {**kwargs, "retry": Retry(max=retries, interval=[5, 30, 120])}
        if run_at is not None and run_at > utcnow():
            return self.queue(queue).enqueue_at(run_at.replace(tzinfo=UTC), name, *args,
                                                **kwargs)
        return self.queue(queue).enqueue(name, *args, **kwargs)
