"""The periodic jobs, one list with stable ids, run by RQ 3's own cron scheduler.

Start exactly one scheduler process next to the workers (`flask scheduler`, which calls
`run_scheduler`); it only enqueues, the workers run the jobs inside the app. Every job here
is a sweep that is safe to run twice, so a restart or a second scheduler costs nothing but
a duplicate no-op. Without Redis the serving process runs this same list itself, calling
the job functions directly (app/jobs/embedded_scheduler.py).
"""
import logging
from dataclasses import dataclass

from app.jobs import resolve

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    id: str  # stable: RQ keeps each cron job's history under this name
    job: str  # dotted path of the job function
    queue: str = "default"
    interval: int | None = None  # seconds, or
    cron: str | None = None  # a crontab line (server local time)


SCHEDULE = [
    Periodic("orders.checkout-reminders", "workers.orders.send_checkout_reminders",
             queue="emails", interval=15 * 60),
    # Drains webhook events whose wake-up job was lost, and failed ones now due again.
    Periodic("payments.webhook-inbox", "workers.payments.drain_webhooks", queue="payments",
             interval=60),
    # Re-queues refunds and payouts that a lost job left undone.
    Periodic("payments.sweep", "workers.payments.sweep", queue="payments", interval=10 * 60),
    # Queues the jobs kept in the database while Redis was down.
    Periodic("jobs.release-deferred", "workers.queue.release_deferred", interval=60),
]


def register(scheduler, schedule=SCHEDULE):
    """Register every periodic job with an rq.cron.CronScheduler; returns the CronJobs."""
    registered = []
    for entry in schedule:
        registered.append(scheduler.register(
            resolve(entry.job), entry.queue, interval=entry.interval, cron=entry.cron,
            name=entry.id))
    return registered


def build_scheduler(connection, schedule=SCHEDULE):
    """A CronScheduler on `connection` (a Redis client) with the schedule registered."""
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=connection)
    register(scheduler, schedule)
    return scheduler


def run_scheduler(app):
    """Run the cron scheduler for `app` until stopped (SIGINT/SIGTERM)."""
    from redis import Redis

    scheduler = build_scheduler(Redis.from_url(app.config["REDIS_URL"]))
    log.info("scheduler: %s periodic job(s)", len(scheduler.get_jobs()))
    scheduler.start()
