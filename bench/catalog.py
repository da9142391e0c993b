"""Storefront benchmark: each hot page against a bare ceiling, on SQLite and on PostgreSQL.

For each database it seeds the catalogue (`flask seed-demo`), serves the Bazaar app with
gunicorn as deployed (deploy/gunicorn.conf.py, sync workers) and, on the same database, the
bare ceiling (bench/ceiling.py: Flask + SQLAlchemy + Jinja, one indexed query, one template,
no cache), then drives both with the same closed-loop clients (bench/_load.py). SQLite is the
embedded default (no Redis); PostgreSQL runs with Redis, as deployed with it.

    .venv/bin/python bench/catalog.py [--databases sqlite postgresql] [--sizes 100000]
        [--clients 16] [--workers 2] [--rounds 6] [--round-seconds 4] [--warmup 3]
        [--duration 8] [--reuse] [--pg-url URL] [--redis-url URL]
        [--server-env NAME=VALUE ...]

How to read it. The listing (filtered and sorted), the search and the product page are each
timed side by side with the ceiling: a warm-up of each, then rounds that alternate (ceiling,
app, ceiling, app, ...), only one server under load at a time, so both see the same machine
at nearly the same moment. The first line of each prints the app's and the ceiling's
requests/s, the ratio app/ceiling over all rounds with the lowest and highest ratio of single
rounds, pair by pair (their spread says how noisy the machine was), the same ratio by CPU
(the ceiling's CPU per request over the app's, serving side: server, database, Redis), and
the verdicts of issue 10: a throughput ratio of at least 0.5 and, on SQLite, an app p95
under 50 ms. The next two lines give p50/p95/p99 of the app and of the ceiling and where the
time of a request goes, in ms: the server's CPU (gunicorn master and workers, from /proc);
on PostgreSQL the CPU of the backends serving the bench database and of the whole
redis-server; the load generator's own CPU (it shares the machine); and "worker held": how
long a worker is busy with each request (workers / throughput; with 16 clients every worker
is always busy). Held time beyond the CPU times is waiting: for a core, the database, a lock
or the disk. CPU figures include the warm-up requests. Unlike requests/s, CPU per request
hardly depends on what else the machine runs, so when the machine is noisy the ratio by CPU
is the steadier of the two.

The ceiling costs what Flask, SQLAlchemy, Jinja and one indexed query cost at least, so the
ratio says how much the app spends beyond them. It compares different pages (the ceiling is
always its one newest-first page), as issue 10 asks: the app's page may serve from its
caches, the ceiling never does. On PostgreSQL the bench runs ANALYZE after seeding (what
autovacuum does within a minute or two of a bulk load) and flushes the Redis database first.

Home and add-to-cart are timed as before, without a ceiling. Each page is timed after a
warm-up, as a running shop is: its caches hold what recent visitors asked for. Then the
"first visit" lines time, one request at a time, pages nobody asked for before (new
categories and price filters, new search words, new products): what a page costs when no
cache can help. --server-env NAME=VALUE (repeatable) sets the environment of the Bazaar server
only, e.g. STOREFRONT_CACHE_SECONDS=0 to measure without its cache layer. --reuse keeps a catalogue
seeded by an earlier run when it holds the asked number of products. The whole default run
(both databases at 100k, --reuse) takes about 8 minutes; seeding adds about 1.5 minutes each.
"""
import argparse
import os
import random
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import Client, Result, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
REDIS_URL = "redis://127.0.0.1:6379/3"
RATIO_TARGET = 0.5  # of the ceiling's requests/s (issue 10)
P95_TARGET_MS = {"sqlite": 50}  # listing, search and product page (issue 10)
COMPARED = ("listing (filtered+sorted)", "search", "product page")
FIRST_VISITS = 100
CSRF = re.compile(rb'name="csrf-token" content="([^"]+)"')


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Database:
    kind: str  # "sqlite" or "postgresql"
    url: str
    redis_url: str  # "" for none
    instance: Path


def database(kind, size, args):
    bench_dir = Path(os.environ.get("BENCH_DIR", "/tmp/bazaar-bench"))
    if kind == "sqlite":
        instance = bench_dir / f"catalog-{size}"
        return Database(kind, f"sqlite:///{instance / 'bazaar.sqlite3'}", "", instance)
    return Database(kind, args.pg_url, args.redis_url, bench_dir / f"catalog-pg-{size}")


def environment(db, extra=()):
    return {
        **os.environ,
        "BAZAAR_ENV": "production",
        "BAZAAR_DEMO_OFFLINE_PAYMENTS": "1",  # no Stripe keys here: production would not start
        "SECRET_KEY": secrets.token_hex(32),
        "BAZAAR_INSTANCE_DIR": str(db.instance),
        "DATABASE_URL": db.url,
        "SESSION_COOKIE_SECURE": "false",
        "TRUSTED_PROXIES": "0",
        "REDIS_URL": db.redis_url,
        "PYTHONPATH": str(ROOT),
        "GUNICORN_ACCESS_LOG": "off",  # as deployed behind nginx, which keeps the access log
        **dict(extra),
    }


def flask(env, *args, timeout=1800):
    started = time.perf_counter()
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   timeout=timeout, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def product_count(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM products")).scalar_one()
    except Exception:
        return None  # no database file, or no tables yet
    finally:
        engine.dispose()


def reset(db):
    """An empty database: the SQLite instance folder, or PostgreSQL's public schema."""
    shutil.rmtree(db.instance, ignore_errors=True)
    db.instance.mkdir(parents=True)
    if db.kind == "postgresql":
        engine = create_engine(db.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            # The text search configuration and unaccent of migration 0003 live there too.
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def seed(db, size, shops, reuse=False):
    env = environment(db)
    count = product_count(db.url) if reuse else None
    if count == size:
        db.instance.mkdir(parents=True, exist_ok=True)
        flask(env, "db", "upgrade")
        print(f"reusing the {size:,}-product catalogue ({db.kind}: {db.instance})")
        return
    if reuse:
        print(f"no {size:,}-product catalogue to reuse on {db.kind} (found {count}): seeding")
    reset(db)
    flask(env, "db", "upgrade")
    seconds = flask(env, "seed-demo", "--products", str(size), "--shops", str(shops))
    print(f"seeded {size:,} products across {shops} shops on {db.kind} in {seconds:.1f} s"
          f"{'  (target: under 180 s)' if size >= 100_000 else ''}")


def analyze(db):
    """PostgreSQL: planner statistics, as autovacuum gathers them a minute or so after a bulk
    load; measured before that, PostgreSQL plans without any (SQLite is never analysed, by
    the app nor by the bench: its planner goes by its own rules)."""
    if db.kind == "postgresql":
        engine = create_engine(db.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
        engine.dispose()


def flush_redis(url):
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


def serve(env, port, workers, app="wsgi:app", config="deploy/gunicorn.conf.py"):
    command = [str(BIN / "gunicorn"), "-c", config, "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--log-level", "warning", app]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn {app} exited with {process.returncode}")
        try:
            status, _ = Client(f"http://127.0.0.1:{port}").request("GET", "/")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn {app} did not answer within 240 s")


def stop(process):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cpu_seconds(pid, database=None, redis=False):
    """CPU seconds so far of the server and, when asked, of the local database and Redis.

    server: the gunicorn master, its live workers and the workers it has reaped. database:
    the PostgreSQL backends serving `database` (their title reads "postgres: [cluster:] user
    database client state"); pooled connections keep their backends for the whole run, so
    differences are what a run cost (only one server is under load at a time; other
    databases' backends are not counted); by backend ({pid: seconds}), since a backend that
    exits takes its CPU time with it (see cpu_used). redis: the whole redis-server process
    (what else uses it counts too).
    """
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {"server": 0.0, **({"database": {}} if database else {}),
               **({"redis": 0.0} if redis else {})}
    backend = re.compile(rf"^postgres: (?:\S+: )?\S+ {re.escape(database or '')} ")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat_file:
                name, stat = stat_file.read().rsplit(")", 1)
            stat = stat.split()
            own = (int(stat[11]) + int(stat[12])) / ticks  # utime, stime
            if int(entry) == pid:  # and the reaped workers' cutime, cstime
                seconds["server"] += own + (int(stat[13]) + int(stat[14])) / ticks
            elif int(stat[1]) == pid:  # a worker
                seconds["server"] += own
            elif redis and name.endswith("(redis-server"):
                seconds["redis"] += own
            elif database and name.endswith("(postgres"):
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    title = cmdline.read().split(b"\0")[0].decode(errors="replace")
                if backend.match(title):
                    seconds["database"][int(entry)] = own
        except (OSError, IndexError, ValueError):
            continue
    return seconds


def cpu_used(before, after):
    """CPU seconds between two cpu_seconds(). A backend gone by `after` counts nothing (its
    last part is lost: a pool closing a connection, a recycled worker); one new since counts
    all its time."""
    used = {}
    for key, value in after.items():
        if isinstance(value, dict):
            used[key] = sum(t - before[key].get(pid, 0.0) for pid, t in value.items())
        else:
            used[key] = value - before[key]
    return used


@dataclass
class Sample:
    """Pages no timed run asks for: what a page costs when none of its caches can help."""

    products: list
    words: list
    categories: list


def sample(url):
    """Slugs, variants, categories and words to request, read from the seeded database.

    Rows in id order, picked by a seeded generator: the same pages on both databases.
    """
    rng = random.Random(7)
    engine = create_engine(url)
    with engine.connect() as conn:
        def column(sql):
            return list(conn.execute(text(sql)).scalars())

        visible = ("p.status = 'active' AND p.deleted_at IS NULL AND s.status = 'active' "
                   "AND s.deleted_at IS NULL")
        slugs = column(f"SELECT p.slug FROM products p JOIN shops s ON s.id = p.shop_id "
                       f"WHERE {visible} ORDER BY p.id")
        variants = column(f"SELECT v.id FROM product_variants v "
                          f"JOIN products p ON p.id = v.product_id "
                          f"JOIN shops s ON s.id = p.shop_id WHERE v.stock > 5 AND {visible} "
                          f"ORDER BY v.id")
        categories = column("SELECT slug FROM categories WHERE parent_id IS NULL ORDER BY id")
        titles = column("SELECT title FROM products ORDER BY id")
    engine.dispose()
    products = rng.sample(slugs, min(len(slugs), 2000 + FIRST_VISITS))
    variants = rng.sample(variants, min(len(variants), 2000))
    titles = rng.sample(titles, min(len(titles), 500))
    words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{4,}", t)})
    rng.shuffle(words)
    fresh = Sample(products[2000:], words[300:300 + FIRST_VISITS], categories)
    return (products[:2000], variants, categories, words[:300]), fresh


def first_visits(base_url, fresh):
    """One client, one request after another, each for a page not requested before."""
    pages = {
        "listing, first visit": [
            "/products?" + urlencode({"category": c, "min_price": low, "sort": sort})
            for c in fresh.categories for low in (3, 7, 11) for sort in ("popular", "price_desc")],
        "search, first visit": [f"/products?{urlencode({'q': w})}" for w in fresh.words],
        "product page, first visit": [f"/product/{slug}" for slug in fresh.products],
    }
    client = Client(base_url)
    results = []
    for name, paths in pages.items():
        result = Result(name)
        started = time.perf_counter()
        for path in paths[:FIRST_VISITS]:
            t0 = time.perf_counter()
            status, _ = client.request("GET", path)
            if status < 400:
                result.latencies.append(time.perf_counter() - t0)
            else:
                result.errors += 1
        result.elapsed = time.perf_counter() - started
        results.append(result)
    return results


def scenarios(products, variants, categories, words):
    def home(client, i):
        return client.request("GET", "/")[0]

    def listing(client, i):
        query = urlencode({"category": categories[i % len(categories)], "min_price": 2,
                           "max_price": 60, "sort": ("price_asc", "rating", "newest")[i % 3],
                           "page": 1 + i % 3})
        return client.request("GET", f"/products?{query}")[0]

    def search(client, i):
        return client.request("GET", f"/products?{urlencode({'q': words[i % len(words)]})}")[0]

    def product(client, i):
        return client.request("GET", f"/product/{products[i % len(products)]}")[0]

    def cart_setup(client):
        _, page = client.request("GET", f"/product/{products[0]}")
        client.csrf = CSRF.search(page).group(1).decode()

    def add_to_cart(client, i):
        body = urlencode({"csrf_token": client.csrf, "variant_id": variants[i % len(variants)],
                          "quantity": 1})
        status, _ = client.request("POST", "/cart/add", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        return status

    return [("home", home, None), ("listing (filtered+sorted)", listing, None),
            ("search", search, None), ("product page", product, None),
            ("add to cart", add_to_cart, cart_setup)]


def ceiling_page(client, i):
    """The ceiling's one page: newest first, pages 1 to 3 as the listing's."""
    return client.request("GET", f"/products?page={1 + i % 3}")[0]


class Server:
    """A gunicorn server under test: its URL, and the CPU time its runs cost."""

    def __init__(self, process, port, database=None, redis=False):
        self.process, self.url = process, f"http://127.0.0.1:{port}"
        self.database, self.redis = database, redis

    def timed(self, name, request, args, duration, warmup, setup=None):
        """(result, Cpu of the run, warm-up included)."""
        before, client = self.cpu(), own_cpu_seconds()
        result = run(name, self.url, request, clients=args.clients, duration=duration,
                     warmup=warmup, setup=setup)
        after, client = self.cpu(), own_cpu_seconds() - client
        return result, Cpu(cpu_used(before, after), client, result.requests_sent)

    def cpu(self):
        return cpu_seconds(self.process.pid, self.database, self.redis)


def own_cpu_seconds():
    """CPU time of this process, the load generator's threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Cpu:
    """CPU seconds of the server (and its database backends and Redis, when measured) and of
    the load generator, and the requests sent (warm-up included: the counters cannot tell)."""

    seconds: dict = field(default_factory=dict)  # server, database, redis
    client: float = 0.0
    requests: int = 0

    def __add__(self, other):
        seconds = {k: self.seconds.get(k, 0.0) + other.seconds.get(k, 0.0)
                   for k in {**self.seconds, **other.seconds}}
        return Cpu(seconds, self.client + other.client, self.requests + other.requests)

    def behind(self):
        """ms of CPU per request on the serving side: server, database and Redis."""
        return sum(self.seconds.values()) * 1000 / (self.requests or 1)

    def text(self):
        per = 1000 / (self.requests or 1)
        parts = [f"{k} {self.seconds[k] * per:.2f}" for k in ("server", "database", "redis")
                 if k in self.seconds]
        return f"CPU ms/request: {', '.join(parts)}, client {self.client * per:.2f}"


def merged(name, results):
    total = Result(name)
    for result in results:
        total.latencies += result.latencies
        total.errors += result.errors
        total.elapsed += result.elapsed
        total.requests_sent += result.requests_sent
    return total


def rps(result):
    return len(result.latencies) / result.elapsed if result.elapsed else 0.0


@dataclass
class Comparison:
    app: Result
    ceiling: Result
    app_cpu: Cpu
    ceiling_cpu: Cpu
    round_ratios: list

    @property
    def ratio(self):
        ceiling = rps(self.ceiling)
        return rps(self.app) / ceiling if ceiling else float("nan")


def side_by_side(app, ceiling, name, request, args):
    """Warm-ups, then rounds alternating ceiling and app, one server under load at a time."""
    run_warmup = min(1.0, args.warmup)  # each round opens its connections anew
    # Warm-ups: the app's caches for this page; the ceiling's connections and compiled template.
    app.timed(name, request, args, duration=0, warmup=args.warmup)
    ceiling.timed("ceiling", ceiling_page, args, duration=0, warmup=run_warmup)
    runs = {"app": [], "ceiling": []}
    cpu = {"app": Cpu(), "ceiling": Cpu()}
    ratios = []
    for _ in range(args.rounds):
        for side, server, page in (("ceiling", ceiling, ceiling_page), ("app", app, request)):
            result, used = server.timed(name, page, args, args.round_seconds, run_warmup)
            runs[side].append(result)
            cpu[side] += used
        ceiling_rate = rps(runs["ceiling"][-1])
        ratios.append(rps(runs["app"][-1]) / ceiling_rate if ceiling_rate else float("nan"))
    return Comparison(merged(name, runs["app"]), merged("ceiling", runs["ceiling"]),
                      cpu["app"], cpu["ceiling"], ratios)


def held(args, result):
    """Wall time a worker spends on each request: with more clients than workers, every worker
    is always busy; beyond its CPU time it waits (for the CPU, the database, a lock, a disk)."""
    rate = rps(result)
    return f"worker held {args.workers * 1000 / rate:.2f}" if rate else "worker held -"


def verdict(ok):
    return "meets" if ok else "MISSES"


def bench_database(db, size, args):
    """Seed, serve the app and the ceiling, time every page; the compared pages' figures."""
    seed(db, size, args.shops, args.reuse)
    analyze(db)
    flush_redis(db.redis_url)
    data, fresh = sample(db.url)
    database = make_url(db.url).database if db.kind == "postgresql" else None
    app_port, ceiling_port = free_port(), free_port()
    app_process = ceiling_process = None
    figures = {}
    try:
        app_process = serve(environment(db, args.server_env), app_port, args.workers)
        ceiling_process = serve(environment(db), ceiling_port, args.workers,
                                app="bench.ceiling:app", config="bench/ceiling_gunicorn.py")
        app = Server(app_process, app_port, database, redis=bool(db.redis_url))
        ceiling = Server(ceiling_process, ceiling_port, database, redis=bool(db.redis_url))
        label = f"{db.kind} {size:>7,}"
        p95_target = P95_TARGET_MS.get(db.kind)
        for name, request, setup in scenarios(*data):
            if name not in COMPARED:
                result, used = app.timed(name, request, args, args.duration, args.warmup, setup)
                print(f"  {label}  {result.line()}   {used.text()}, {held(args, result)}")
                continue
            c = side_by_side(app, ceiling, name, request, args)
            p95 = c.app.p95_ms
            verdicts = f"ratio >= {RATIO_TARGET}: {verdict(c.ratio >= RATIO_TARGET)}"
            if p95_target:
                verdicts += f"   p95 < {p95_target} ms: {verdict(p95 < p95_target)}"
            indent = " " * (len(label) + 2)
            print(f"  {label}  {name:<28} {rps(c.app):8.1f} req/s   ceiling "
                  f"{rps(c.ceiling):8.1f} req/s   ratio {c.ratio:.3f} (rounds "
                  f"{min(c.round_ratios):.2f}-{max(c.round_ratios):.2f}; by CPU "
                  f"{c.ceiling_cpu.behind() / (c.app_cpu.behind() or 1):.2f})   {verdicts}")
            for side, result, used in (("", c.app, c.app_cpu),
                                       ("ceiling", c.ceiling, c.ceiling_cpu)):
                p50, p95_, p99 = (result.percentile(p) * 1000 for p in (50, 95, 99))
                print(f"  {indent}{side:>28} p50 {p50:7.1f} ms   p95 {p95_:7.1f} ms   p99 "
                      f"{p99:7.1f} ms   n={len(result.latencies)} errors={result.errors}   "
                      f"{used.text()}, {held(args, result)}")
            figures[name] = (c.ratio, p95, p95_target)
        for result in first_visits(app.url, fresh):
            print(f"  {label}  {result.line()}")
    finally:
        stop(app_process)
        stop(ceiling_process)
    return figures


def environment_pair(value):
    name, sep, setting = value.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {value!r}")
    return name, setting


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"),
                        default=["sqlite", "postgresql"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--shops", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn sync workers of the app and of the ceiling, each")
    parser.add_argument("--rounds", type=int, default=6,
                        help="rounds of ceiling then app, for each compared page")
    parser.add_argument("--round-seconds", type=float, default=4.0)
    parser.add_argument("--duration", type=float, default=8.0,
                        help="seconds of home and add-to-cart, which have no ceiling")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="seconds of each page's load before timing starts")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse catalogues seeded by an earlier run")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--redis-url", default=REDIS_URL,
                        help="Redis of the PostgreSQL runs; its database is flushed first")
    parser.add_argument("--server-env", type=environment_pair, action="append", default=[],
                        metavar="NAME=VALUE", help="environment of the Bazaar server only")
    args = parser.parse_args()
    started = time.monotonic()
    print(f"{os.cpu_count()} cores; gunicorn sync workers x{args.workers} for the app and for "
          f"the ceiling; {args.clients} clients; compared pages: {args.rounds} rounds of "
          f"{args.round_seconds:g} s per side after {args.warmup:g} s of warm-up; other pages "
          f"{args.duration:g} s after {args.warmup:g} s of warm-up; load average "
          f"{os.getloadavg()[0]:.2f}")
    if args.server_env:
        print("Bazaar server environment: "
              + " ".join(f"{name}={value}" for name, value in args.server_env))
    figures, p95 = {}, {}
    for kind in args.databases:
        for size in args.sizes:
            db = database(kind, size, args)
            figures[(kind, size)] = bench_database(db, size, args)
            for name, (_, page_p95, _) in figures[(kind, size)].items():
                p95[(kind, size, name)] = page_p95
    print(f"\nissue 10 targets: throughput at least {RATIO_TARGET} of the ceiling's; on SQLite "
          f"p95 under {P95_TARGET_MS['sqlite']} ms")
    for (kind, size), pages in figures.items():
        for name, (ratio, page_p95, target) in pages.items():
            line = (f"  {kind:<10} {size:>7,}  {name:<28} ratio {ratio:.3f} "
                    f"{verdict(ratio >= RATIO_TARGET)}")
            if target:
                line += f"   p95 {page_p95:.1f} ms {verdict(page_p95 < target)}"
            print(line)
    small, large = min(args.sizes), max(args.sizes)
    if small != large:
        print(f"\np95 at {large:,} vs {small:,} products (target: at most 2x):")
        for kind in args.databases:
            for name in COMPARED:
                before, after = p95[(kind, small, name)], p95[(kind, large, name)]
                print(f"  {kind:<10} {name:<28} {before:7.1f} -> {after:7.1f} ms"
                      f"   x{after / before if before else float('nan'):.2f}")
    print(f"\nwhole run: {time.monotonic() - started:.0f} s; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
