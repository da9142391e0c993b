"""Webhook throughput and end-to-end latency: signed events -> gunicorn -> inbox -> orders."""
#     .venv/bin/python bench/checkout.py [--events 10000] [--rate 200] [--workers 1]
#
# Needs PostgreSQL and Redis on loopback. It rebuilds its own database (bench_checkout, through
# the migrations) and uses its own Redis database (10), serves the app with gunicorn on
# 127.0.0.1, runs real RQ workers (the app's AppWorker: `--workers` on the payments queue plus
# `--effects-workers` on emails/default, or plain `flask worker` processes with
# `--worker-mode flask`), sends the events at `--rate` per second (0: as fast as it can) with
# 10 % of them replayed, and watches the orders table. The web stores each verified event in
# the webhook inbox and wakes a drain job (payments queue) that handles them in batches.
#
# It prints the events processed per second, the end-to-end latency (POST sent -> order
# visible, polled every 20 ms), the counts of orders, duplicates and lost events, and the CPU
# time each part of the system spent per event (gunicorn, workers, PostgreSQL backends, Redis:
# read from /proc), which says what an idle machine would sustain. The after-commit work of
# each batch (emails, analytics, payouts: the `after_payments` job on the default queue) is
# left to the effects workers and reported with its own sustained rate; the verdict counts it
# too (a backlog of after-commit work that keeps growing is not "sustained"). Exit status 1
# when any duplicate or lost event is found. Everything is bounded by --max-seconds.
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_checkout"
DEFAULT_REDIS = "redis://127.0.0.1:6379/10"
SECRET_KEY = "bench-checkout-only-secret-key-0123456789abcdef"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MARKER = "bench:checkout"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="events sent, replays included")
    parser.add_argument("--replay-share", type=float, default=0.10)
    parser.add_argument("--rate", type=float, default=200.0, help="events/s sent; 0 = flat out")
    # One drain at a time does the fulfilment (concurrent batches would queue on the same stock
    # rows anyway); the after-commit work spends its time waiting on commits, so two overlap.
    parser.add_argument("--workers", type=int, default=1, help="RQ workers on the payments queue")
    parser.add_argument("--effects-workers", type=int, default=2,
                        help="RQ workers on emails/default (split mode)")
    parser.add_argument("--worker-mode", choices=("split", "flask"), default="split")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP senders")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--drain-timeout", type=float, default=300.0,
                        help="seconds to wait for emails/analytics after the last order")
    parser.add_argument("--max-seconds", type=int, default=1800, help="hard limit for the run")
    parser.add_argument("--target", type=float, default=200.0, help="events/s to pass")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: run one RQ worker
    return parser.parse_args(argv)


def refuse(message):
    print(f"bench/checkout: {message}", file=sys.stderr)
    raise SystemExit(2)


def preflight(args):
    """Loopback only, PostgreSQL and Redis reachable, our own database and Redis db."""
    import psycopg
    from redis import Redis
    from redis.exceptions import RedisError

    db_url, redis_url = urlsplit(args.database_url), urlsplit(args.redis_url)
    if not args.database_url.startswith("postgresql"):
        refuse("needs PostgreSQL (--database-url postgresql+psycopg://...); SQLite is not "
               "what this measures.")
    for name, url in (("database", db_url), ("redis", redis_url)):
        if url.hostname not in LOOPBACK:
            refuse(f"the {name} must be on loopback (127.0.0.1), not {url.hostname}.")
    dbname = db_url.path.lstrip("/")
    if not dbname or dbname in ("postgres", "template0", "template1"):
        refuse("give the bench a database of its own, e.g. .../bench_checkout.")
    admin_dsn = args.database_url.replace("+psycopg", "").rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                (dbname,)).fetchone():
                conn.execute(f'CREATE DATABASE "{dbname}"')
    except psycopg.Error as error:
        refuse(f"PostgreSQL is not reachable at {db_url.hostname}:{db_url.port}: "
               f"{str(error).strip()}. Start it, or pass --database-url.")
    try:
        redis = Redis.from_url(args.redis_url, socket_connect_timeout=3)
        redis.ping()
        if redis.dbsize() and not redis.exists(MARKER):
            refuse(f"Redis db {redis_url.path} holds someone else's keys; pick an empty one "
                   "with --redis-url.")
        redis.flushdb()
        redis.set(MARKER, "1")
    except RedisError as error:
        refuse(f"Redis is not reachable at {args.redis_url}: {error}. Start it, or pass "
               "--redis-url.")


def child_env(args, tmp):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STRIPE_", "MAIL_", "DATABASE_URL", "REDIS_URL"))}
    env.update(BAZAAR_ENV="development", DATABASE_URL=args.database_url,
               REDIS_URL=args.redis_url, SECRET_KEY=SECRET_KEY, RATELIMIT_ENABLED="0",
               BAZAAR_INSTANCE_DIR=str(tmp), MEDIA_ROOT=str(tmp / "media"),
               PYTHONPATH=str(ROOT), BENCH_DATABASE_URL=args.database_url,
               BENCH_REDIS_URL=args.redis_url)
    return env


def run_one_worker(queues):
    """The app's own RQ worker (AppWorker) on `queues`, logging warnings only."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    from redis import Redis

    from app import create_app
    from workers.worker import AppWorker

    app = create_app("development")
    AppWorker.flask_app = app
    worker = AppWorker(queues.split(","), connection=Redis.from_url(app.config["REDIS_URL"]))
    worker.work(with_scheduler=True, logging_level="WARNING")


def start_processes(args, tmp):
    """gunicorn and the RQ workers; returns [(name, Popen)]."""
    env, bin_dir = child_env(args, tmp), Path(sys.executable).parent
    logs = tmp / "logs"
    logs.mkdir()
    commands = [("gunicorn", [str(bin_dir / "gunicorn"), "-k", "gthread", "-w",
                              str(args.web_workers), "--threads", str(args.threads), "-b",
                              f"127.0.0.1:{args.port}", "--timeout", "60", "wsgi:app"])]
    if args.worker_mode == "flask":
        commands += [(f"flask-worker-{n}", [str(bin_dir / "flask"), "--app", "wsgi", "worker"])
                     for n in range(args.workers)]
    else:
        me = [sys.executable, str(Path(__file__).resolve()), "--worker"]
        commands += [(f"payments-worker-{n}", [*me, "payments"]) for n in range(args.workers)]
        commands += [(f"effects-worker-{n}", [*me, "emails,default,recs"])
                     for n in range(args.effects_workers)]
    processes = []
    for name, command in commands:
        log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        processes.append((name, subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                                 stderr=subprocess.STDOUT)))
    return processes


def stop_processes(processes):
    for _, process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for _, process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return run_one_worker(args.worker)
    if args.events < 10 or not 0 <= args.replay_share < 1:
        refuse("--events must be at least 10 and --replay-share in [0, 1).")
    preflight(args)
    from bench.checkout_run import run

    def too_long(*_):
        raise TimeoutError(f"the run exceeded --max-seconds {args.max_seconds}")

    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(args.max_seconds)
    with tempfile.TemporaryDirectory(prefix="bench-checkout-") as tmp:
        processes = []
        try:
            return run(args, Path(tmp), lambda: processes.extend(
                start_processes(args, Path(tmp))) or processes)
        finally:
            stop_processes(processes)
            signal.alarm(0)


if __name__ == "__main__":
    sys.exit(main())
