"""Without Redis, rate limits are counted in the database, so every page worker shares them.

Flask-Limiter keeps one storage on its one Limiter object, so two apps in one process would
share a count whatever the storage: the worker here is another process, as gunicorn's are.
"""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import ratelimit_storage
from app.extensions import db, limiter
from app.models.infrastructure import RateLimitCounter
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10
LOGIN = ("/auth/login", "data", {"email": "someone@example.com", "password": "not-it-12345"})
TOKEN = ("/api/v1/auth/token", "json", {"email": "someone@example.com",
                                        "password": "not-it-12345"})

# Another worker: the same app on the same database, in a process of its own.
WORKER = """
import json, os, sys
from app import create_app
app = create_app("testing", json.loads(os.environ["BAZAAR_TEST_OVERRIDES"]))
client = app.test_client()
print(json.dumps([[client.post(url, **{kind: body}).status_code for _ in range(count)]
                  for url, kind, body, count in json.loads(sys.argv[1])]))
"""


@pytest.fixture(scope="module")
def settings(base_config):
    """A deployment without Redis whose login and token limits are LIMIT a minute."""
    return {**base_config, "REDIS_URL": None, "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN": f"{LIMIT} per minute"}


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        t = 1_800_000_000.0

        def __call__(self):
            return self.t

    clock = Clock()
    monkeypatch.setattr(ratelimit_storage, "now", clock)
    return clock


def post_in_another_worker(settings, requests, count):
    """The statuses of `count` posts of each request, in a process of its own."""
    env = {**os.environ, "BAZAAR_TEST_OVERRIDES": json.dumps(settings),
           "PYTHONPATH": str(ROOT)}
    plan = json.dumps([[url, kind, body, count] for url, kind, body in requests])
    result = subprocess.run([sys.executable, "-c", WORKER, plan], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def post_here(make_app, settings, request, count):
    url, kind, body = request
    client = make_app(**settings).test_client()
    return [client.post(url, **{kind: body}).status_code for _ in range(count)]


def answered(statuses):
    return len([status for status in statuses if status != 429])


@pytest.fixture(scope="module")
def two_workers(make_app, settings):
    """{endpoint: (statuses here, statuses in the other worker)}, LIMIT // 2 + 1 posts each.

    One other process for both requests: starting the app takes seconds."""
    count = LIMIT // 2 + 1
    here = [post_here(make_app, settings, request, count) for request in (LOGIN, TOKEN)]
    there = post_in_another_worker(settings, (LOGIN, TOKEN), count)
    return {"web-login": (here[0], there[0]), "api-token": (here[1], there[1])}


@pytest.mark.parametrize("endpoint", ["web-login", "api-token"])
def test_two_workers_without_redis_let_the_limit_through_once_in_total(two_workers, endpoint):
    here, there = two_workers[endpoint]
    assert 429 not in here
    assert answered(here) + answered(there) == LIMIT
    assert there[-1] == 429


def test_without_redis_the_limits_are_counted_in_the_database(make_app, settings, in_app):
    post_here(make_app, settings, LOGIN, 1)
    assert type(limiter.storage).__name__ == "DatabaseStorage"
    assert in_app(lambda: db.session.scalar(select(func.count(RateLimitCounter.key)))) >= 1


def test_an_expired_window_lets_requests_through_again(make_app, settings, clock):
    client = make_app(**settings).test_client()
    url, _, body = LOGIN
    assert [client.post(url, data=body).status_code for _ in range(LIMIT + 1)][-1] == 429
    clock.t += 61
    assert client.post(url, data=body).status_code == 422


def test_concurrent_hits_are_each_counted_once(app, make_app, settings):
    make_app(**settings)  # the limiter's storage is now the database one
    storage, counts = limiter.storage, []

    def hit():
        with app.app_context():
            counts.extend(storage.incr("concurrent-key", 60) for _ in range(10))

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(counts) == list(range(1, 41))


def test_a_key_longer_than_the_column_is_still_counted(app, make_app, settings, in_app):
    make_app(**settings)
    key = "LIMITER/email:" + "a" * 300 + "@example.com/auth.login/30/1/hour"
    with app.app_context():
        assert [limiter.storage.incr(key, 60) for _ in range(2)] == [1, 2]
        assert limiter.storage.get(key) == 2
    keys = in_app(lambda: db.session.scalars(select(RateLimitCounter.key)).all())
    assert len(keys) == 1 and len(keys[0]) <= 255


def test_a_successful_login_still_signs_in_with_database_limits(make_app, settings, factory):
    user = factory.shopper()
    client = make_app(**settings).test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
