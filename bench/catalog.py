"""Storefront benchmark: seed 10k and 100k products, serve with gunicorn, measure the hot pages.

Prints requests/s and p50/p95/p99 at 16 concurrent clients for the home page, a filtered and
sorted listing, a search, a product page and add-to-cart, for each catalogue size, then the
100k/10k p95 ratio. Runs on SQLite (the embedded default) in its own instance folder; only
loopback traffic; every phase is bounded in time.

    .venv/bin/python bench/catalog.py [--sizes 10000 100000] [--duration 8] [--warmup 3]
                                      [--clients 16] [--reuse]

Each page is timed after a warm-up, as a running shop is: its caches hold what recent
visitors asked for. Then "first visit" lines time, one request at a time, pages nobody asked
for before (new categories and price filters, new search words, new products): what a page
costs when no cache can help. Each timed line also shows the server's CPU time per request
(gunicorn master and workers, read from /proc, warm-up included), which says what the page
costs whatever else the machine is doing. --reuse keeps a catalogue seeded by an earlier run.
"""
import argparse
import os
import random
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import Client, Result, run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGETS_MS = {"listing (filtered+sorted)": 40, "search": 40, "product page": 30}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(instance):
    return {
        **os.environ,
        "BAZAAR_ENV": "production",
        "BAZAAR_DEMO_OFFLINE_PAYMENTS": "1",  # no Stripe keys here: production would not start
        "SECRET_KEY": secrets.token_hex(32),
        "BAZAAR_INSTANCE_DIR": str(instance),
        "DATABASE_URL": f"sqlite:///{instance / 'bazaar.sqlite3'}",
        "SESSION_COOKIE_SECURE": "false",
        "TRUSTED_PROXIES": "0",
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
        "GUNICORN_ACCESS_LOG": "off",  # as deployed behind nginx, which keeps the access log
    }


def flask(env, *args, timeout=600):
    started = time.perf_counter()
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   timeout=timeout, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def seed(size, shops, reuse=False):
    instance = Path(os.environ.get("BENCH_DIR", "/tmp/bazaar-bench")) / f"catalog-{size}"
    if reuse and (instance / "bazaar.sqlite3").exists():
        env = environment(instance)
        flask(env, "db", "upgrade")
        print(f"reusing the {size:,}-product catalogue in {instance}")
        return instance, env
    shutil.rmtree(instance, ignore_errors=True)
    instance.mkdir(parents=True)
    env = environment(instance)
    flask(env, "db", "upgrade")
    seconds = flask(env, "seed-demo", "--products", str(size), "--shops", str(shops))
    print(f"seeded {size:,} products across {shops} shops in {seconds:.1f} s"
          f"{'  (target: under 180 s)' if size >= 100_000 else ''}")
    return instance, env


def serve(env, port, workers):
    command = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
               "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = Client(f"http://127.0.0.1:{port}").request("GET", "/")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def server_cpu_seconds(pid):
    """CPU time of the gunicorn master, its live workers and the workers it has reaped."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat_file:
                stat = stat_file.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid:  # utime, stime, cutime, cstime
            total += sum(int(v) for v in stat[11:15]) / ticks
        elif int(stat[1]) == pid:  # a worker: utime, stime
            total += (int(stat[11]) + int(stat[12])) / ticks
    return total


def sample(instance):
    """Slugs, variants and words to request, read straight from the seeded database."""
    conn = sqlite3.connect(instance / "bazaar.sqlite3")
    rng = random.Random(7)
    products = [r[0] for r in conn.execute(
        "SELECT slug FROM products WHERE status='active' AND deleted_at IS NULL "
        f"ORDER BY random() LIMIT {2000 + FIRST_VISITS}")]
    variants = [r[0] for r in conn.execute(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id "
        "WHERE v.stock > 5 AND p.status='active' ORDER BY random() LIMIT 2000")]
    categories = [r[0] for r in conn.execute("SELECT slug FROM categories WHERE parent_id IS NULL")]
    titles = [r[0] for r in conn.execute("SELECT title FROM products ORDER BY random() LIMIT 500")]
    conn.close()
    words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{4,}", t)})
    rng.shuffle(words)
    fresh = Sample(products[2000:], words[300:300 + FIRST_VISITS], categories)
    return (products[:2000], variants, categories, words[:300]), fresh


CSRF = re.compile(rb'name="csrf-token" content="([^"]+)"')
FIRST_VISITS = 100


@dataclass
class Sample:
    """Pages no timed run asks for: what a page costs when none of its caches can help."""

    products: list
    words: list
    categories: list


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--shops", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="seconds of each page's load before timing starts")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--reuse", action="store_true",
                        help="reuse catalogues seeded by an earlier run")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; gunicorn sync workers x{args.workers}; {args.clients} clients; "
          f"{args.duration:.0f} s per page after {args.warmup:.0f} s of warm-up")
    p95 = {}
    for size in args.sizes:
        instance, env = seed(size, args.shops, args.reuse)
        port = free_port()
        server = serve(env, port, args.workers)
        try:
            data, fresh = sample(instance)
            for name, request, setup in scenarios(*data):
                cpu_before = server_cpu_seconds(server.pid)
                result = run(name, f"http://127.0.0.1:{port}", request, clients=args.clients,
                             duration=args.duration, warmup=args.warmup, setup=setup)
                # Warm-up requests included: the CPU counters cannot tell them apart.
                handled = result.requests_sent or 1
                cpu_ms = (server_cpu_seconds(server.pid) - cpu_before) * 1000 / handled
                print(f"  {size:>7,}  {result.line()}   server CPU {cpu_ms:.2f} ms/request")
                p95[(size, name)] = result.p95_ms
            for result in first_visits(f"http://127.0.0.1:{port}", fresh):
                print(f"  {size:>7,}  {result.line()}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    small, large = min(args.sizes), max(args.sizes)
    if small != large:
        print(f"\np95 at {large:,} vs {small:,} products (target: at most 2x; targets in ms):")
        for name in [n for (s, n) in p95 if s == small]:
            ratio = p95[(large, name)] / p95[(small, name)] if p95[(small, name)] else float("nan")
            target = TARGETS_MS.get(name)
            verdict = ""
            if target:
                verdict = "meets" if p95[(large, name)] < target else "MISSES"
                verdict = f"   p95 target {target} ms: {verdict}"
            print(f"  {name:<28} {p95[(small, name)]:7.1f} -> {p95[(large, name)]:7.1f} ms"
                  f"   x{ratio:.2f}{verdict}")


if __name__ == "__main__":
    main()
