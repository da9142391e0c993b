"""RQ worker that runs every job inside a fresh Flask app context."""
from rq import SimpleWorker

from app.jobs import QUEUES


class AppWorker(SimpleWorker):
    """Runs jobs in the worker process itself (no fork), each in its own app context.

    Forking would share the parent's database connections with the child; one process
    per worker with a pooled engine is both safe and faster for our short jobs.
    """

    flask_app = None

    def perform_job(self, job, queue, *args, **kwargs):
        with self.flask_app.app_context():
            return super().perform_job(job, queue, *args, **kwargs)


def run_worker(app, queues=QUEUES, burst=False, with_scheduler=True):
    from redis import Redis

    AppWorker.flask_app = app
    connection = Redis.from_url(app.config["REDIS_URL"])
    worker = AppWorker(list(queues), connection=connection)
    return worker.work(burst=burst, with_scheduler=with_scheduler)
