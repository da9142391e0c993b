"""A small closed-loop HTTP load generator: N client threads, keep-alive, latency percentiles."""
import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    name: str
    latencies: list = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    requests_sent: int = 0  # warm-up included

    def percentile(self, p):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def line(self):
        rps = len(self.latencies) / self.elapsed if self.elapsed else 0
        p50, p95, p99 = (self.percentile(p) * 1000 for p in (50, 95, 99))
        return (f"{self.name:<28} {rps:8.1f} req/s   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   "
                f"p99 {p99:7.1f} ms   n={len(self.latencies)} errors={self.errors}")

    @property
    def p95_ms(self):
        return self.percentile(95) * 1000


class Client:
    """One keep-alive connection with a cookie jar of its own."""

    def __init__(self, base_url):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data


def run(name, base_url, make_request, clients=16, duration=10.0, warmup=1.0, setup=None):
    """Each client thread repeats make_request(client, i) for `duration` seconds."""
    result = Result(name)
    lock = threading.Lock()
    start_at = time.monotonic() + warmup
    stop_at = start_at + duration

    def worker(n):
        client = Client(base_url)
        if setup:
            setup(client)
        i = n
        while True:
            now = time.monotonic()
            if now >= stop_at:
                return
            t0 = time.perf_counter()
            try:
                status = make_request(client, i)
                ok = status < 400
            except Exception:
                ok = False
            latency = time.perf_counter() - t0
            with lock:
                result.requests_sent += 1
            if time.monotonic() >= start_at:
                with lock:
                    if ok:
                        result.latencies.append(latency)
                    else:
                        result.errors += 1
            i += clients

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = duration
    return result


def median(values):
    return statistics.median(values) if values else float("nan")
