"""The periodic jobs without Redis: a thread in the serving process runs the schedule itself.

With REDIS_URL, `flask scheduler` (RQ's cron scheduler) enqueues workers/schedule.py's jobs for
the RQ workers. Without it nothing would run them, so every serving process starts this thread
on its first request (create_app's register_embedded_scheduler): a CLI command such as
`flask db upgrade` serves no request and starts nothing, and under gunicorn the thread starts
in each worker after the fork, never in the master (a thread across a fork can leave the child
a lock held forever). Of all those processes, on one host or several, only the holder of a
database lease runs a tick, so each job runs once per interval however many workers there are;
if the holder dies its lease expires and another worker takes over within LEASE_SECONDS.
Every job is a sweep that is safe to run twice, so a late takeover costs at most a duplicate.
"""
import atexit
import logging
import os
import threading
import time
from datetime import datetime

from app.jobs import resolve
from app.jobs.lease import Lease

log = logging.getLogger(__name__)

LEASE_KEY = "embedded-scheduler"
TICK_SECONDS = 30  # how often the thread wakes; the shortest interval in the schedule is 60 s
LEASE_SECONDS = 5 * 60  # longer than a tick plus a slow job, so the holder keeps it


def next_run(entry, after):
    """Unix time `entry` (a workers.schedule.Periodic) is due next after a run at `after`."""
    if entry.interval:
        return after + entry.interval
    from croniter import croniter  # RQ's own dependency, read the same way (local time)

    return croniter(entry.cron, datetime.fromtimestamp(after)).get_next(datetime).timestamp()


class EmbeddedScheduler:
    """Runs the due jobs of `schedule` in `app`'s context, one tick at a time.

    A tick is bounded: each due job runs once (a process asleep for an hour does not catch up
    sixty runs of a one-minute job), in an app context of its own, with its exception logged
    and not raised, and the tick stops when the lease is lost.
    """

    def __init__(self, app, schedule, lease=None, tick_seconds=TICK_SECONDS):
        self.app = app
        self.schedule = list(schedule)
        self.lease = lease or Lease(LEASE_KEY, LEASE_SECONDS)
        self.tick_seconds = tick_seconds
        self._due = {}  # entry id -> unix time; an entry not in here is due now
        self._tick_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._stop = threading.Event()
        self._pid = None  # the process the thread runs in

    def tick(self, now=None):
        """Run the jobs that are due, if this process holds the lease; the ids of those run."""
        with self._tick_lock:
            at = time.time() if now is None else now
            ran = []
            for entry in self.schedule:
                if self._due.get(entry.id, at) > at:
                    continue
                # Renewed before each job, so a slow job does not let another process in.
                if not self._hold(at):
                    break
                self._due[entry.id] = next_run(entry, at)
                self._run(entry)
                ran.append(entry.id)
            return ran

    def _hold(self, at):
        with self.app.app_context():
            try:
                return self.lease.acquire(self._engine(), at)
            except Exception:
                log.warning("embedded scheduler: the lease could not be read", exc_info=True)
                return False

    def _engine(self):
        return self.app.extensions["sqlalchemy"].engine

    def _run(self, entry):
        started = time.monotonic()
        with self.app.app_context():  # its teardown rolls back and removes the session
            try:
                resolve(entry.job)()
            except Exception:
                log.exception("periodic job %s failed; it runs again when next due", entry.id)
        took = time.monotonic() - started
        if entry.interval and took > entry.interval:
            log.warning("periodic job %s took %.0f s, longer than its interval", entry.id, took)

    @property
    def is_running(self):
        """True once the thread was started in this process."""
        return self._pid == os.getpid()

    def start(self):
        """Start the thread in this process unless it runs here already; True if started.

        Cheap enough to call on every request (create_app does): one comparison once started.
        """
        if self.is_running:
            return False
        with self._start_lock:
            if self.is_running:
                return False
            self._pid = os.getpid()
            self._stop.clear()
            threading.Thread(target=self._loop, daemon=True, name="embedded-scheduler").start()
            atexit.register(self.stop)
        log.info("embedded scheduler: %d periodic job(s), one process at a time runs them",
                 len(self.schedule))
        return True

    def stop(self):
        """Stop the thread and give the lease up for the next process."""
        self._stop.set()
        try:
            with self.app.app_context():
                self.lease.release(self._engine())
        except Exception:
            log.warning("embedded scheduler: the lease could not be released", exc_info=True)

    def _loop(self):
        # The first tick waits too: start-up and the first requests come first.
        while not self._stop.wait(self.tick_seconds):
            try:
                self.tick()
            except Exception:
                log.exception("embedded scheduler: tick failed")
