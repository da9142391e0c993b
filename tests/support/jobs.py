"""Waiting for the services run's real RQ worker to finish what tests queued."""
import time

from rq.registry import ScheduledJobRegistry, StartedJobRegistry

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
                _drop_retries(queues)
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{busy} job(s) still queued or running after {timeout}s")
            time.sleep(0.02)


def _drop_retries(queues):
    """Forget jobs waiting to be retried: a job that failed in one test (its rows emptied
    under it) would otherwise run seconds later, inside another test or its cleanup."""
    for queue in queues:
        registry = ScheduledJobRegistry(queue=queue)
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
