"""gunicorn settings for the page workers: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 30
graceful_timeout = 20
keepalive = 5
# The app is imported once, in the master: a worker (re)started by max_requests is a fork,
# not a second import of every module, blueprint and template (about a second of CPU each).
preload_app = True
# Recycling guards against slow leaks; every recycle also drops a worker's warm caches
# (compiled templates and statements, the in-process TTL cache), so not too often.
max_requests = 20000
max_requests_jitter = 2000
# Behind nginx (deploy/nginx.conf), which logs every request already, set
# GUNICORN_ACCESS_LOG=off rather than format each request twice.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
if accesslog == "off":
    accesslog = None
errorlog = "-"


def when_ready(server):
    """Before the first fork: compile templates and build the catalogue snapshot once."""
    from app.warmup import warm
    from wsgi import app

    warm(app)


def post_fork(server, worker):
    """Give each worker its own database connections: none may cross the fork."""
    from app.extensions import db
    from wsgi import app

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)  # forget the master's pool, leave its sockets alone
