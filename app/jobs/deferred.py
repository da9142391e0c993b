"""Jobs kept in the database while Redis is down, and handed to RQ once it is back.

The job queue (app/jobs/) writes a job here when Redis refuses it, so the write
that queued it still commits and the job is not lost; `release` queues them again. Each row
is deleted in the same transaction that queues it, so two releasers never queue one row
twice, and a failure to queue leaves it for the next try.
"""
import logging
import pickle

from sqlalchemy import delete, insert, select

from app.models.base import utcnow
from app.models.infrastructure import DeferredJob

log = logging.getLogger(__name__)

BATCH = 200
_table = DeferredJob.__table__


def keep(engine, func, args, kwargs, queue, retries, run_at=None):
    """Store one job, on a transaction of its own (it must outlive the caller's rollback)."""
    with engine.begin() as conn:
        conn.execute(insert(_table).values(
            func=func, queue=queue, payload=pickle.dumps((list(args), kwargs)),
            retries=retries, run_at=run_at, created_at=utcnow()))


def release(engine, send, limit=10 * BATCH):
    """Hand up to `limit` kept jobs, oldest first, to `send(func, args, kwargs, queue, retries,
    run_at)`; returns how many were sent. Stops (raising) at the first job `send` refuses."""
    sent = 0
    while sent < limit:
        with engine.connect() as conn:
            rows = conn.execute(select(_table).order_by(_table.c.id).limit(BATCH)).all()
        if not rows:
            break
        for row in rows:
            with engine.begin() as conn:
                if conn.execute(delete(_table).where(_table.c.id == row.id)).rowcount != 1:
                    continue  # another releaser has it
                args, kwargs = pickle.loads(row.payload)
                send(row.func, args, kwargs, row.queue, row.retries, row.run_at)
            sent += 1
    if sent:
        log.info("job queue: %d job(s) kept during a Redis outage are queued again", sent)
    return sent
