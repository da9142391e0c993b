"""Waiting for the services run's real RQ worker to finish what tests queued."""
import time

from rq.registry import StartedJobRegistry

from app.jobs import QUEUES


def wait_for_idle_queues(app, timeout=15.0):
    """Return once every queue is empty and no job is running (or raise after `timeout`)."""
    with app.app_context():
        queues = [app.extensions["jobs"].queues[name] for name in QUEUES]
        deadline = time.monotonic() + timeout
        while True:
            # A job being dequeued sits in the queue's "intermediate" list for a moment.
            busy = sum(q.count + StartedJobRegistry(queue=q).count
                       + q.connection.llen(q.intermediate_queue_key) for q in queues)
            if busy == 0:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{busy} job(s) still queued or running after {timeout}s")
            time.sleep(0.02)
