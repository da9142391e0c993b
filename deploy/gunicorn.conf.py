"""gunicorn settings for the page workers: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`."""
import multiprocessing
import os
import socket

# Loopback (or a unix socket, "unix:/run/bazaar/web.sock"), never a public address: nginx is
# the only way in, because production trusts one proxy's X-Forwarded-For (TRUSTED_PROXIES=1) and
# a client talking to gunicorn directly could put any address there (rate limits, logs).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages are CPU-bound (a few ms of Python each), so one process per core, each serving one
# request at a time. A sync worker accepts a connection only when it is idle, which makes the
# kernel's accept queue a single first-come-first-served line for all workers. The gthread
# worker accepted while busy and kept keep-alive connections to itself, so one worker could
# hold a queue while the other idled, and its threads took turns on the GIL: at 16 clients
# its p95 was twice its p50; sync workers keep p95 within about 1.3x of p50 (bench/catalog.py).
# Sync workers need a buffering proxy in front for slow clients and keep-alive: nginx
# (deploy/nginx.conf). A request that waits on Stripe or ImageKit holds its worker meanwhile:
# with frequent checkouts or uploads, raise GUNICORN_WORKERS above the core count.
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
timeout = 30
graceful_timeout = 20
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
    import gc

    from app.warmup import warm
    from wsgi import app

    warm(app)
    # Everything loaded so far lives as long as the workers: keep it out of their garbage
    # collections (a full collection walked all of it: pauses of up to 0.1 s at 100k
    # products) and off the pages that collections would otherwise copy after the fork.
    gc.freeze()


def post_fork(server, worker):
    """Give each worker its own database connections: none may cross the fork."""
    from app.extensions import db
    from wsgi import app

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)  # forget the master's pool, leave its sockets alone


def pre_request(worker, req):
    """Send each response as one segment: headers, body and the closing FIN together.

    gunicorn writes the headers, then the body, each a send of its own; on a fresh connection
    that is two trips through the TCP stack and two wake-ups of the reader (nginx). A sync
    worker closes the connection after every response, and closing flushes a corked socket,
    so nothing waits. Keep-alive workers would hold the last segment up to 200 ms: not them.
    """
    from gunicorn.workers.sync import SyncWorker

    sock = getattr(req.unreader, "sock", None)
    if isinstance(worker, SyncWorker) and sock is not None and hasattr(socket, "TCP_CORK"):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
