"""Shared fixtures: the app, a clean database per test, mail, a real worker when services run."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import caching, create_app
from app.extensions import db
from tests.factories import PASSWORD, Factory
from tests.support import modes
from tests.support.database import empty_tables, reset_schema
from tests.support.jobs import wait_for_idle_queues
from tests.support.mailbox import Mailbox, SmtpSink

ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header(config):
    if modes.SERVICES:
        return f"bazaar test mode: services (PostgreSQL + Redis + RQ worker, {modes.DATABASE_URL})"
    return "bazaar test mode: embedded (SQLite, in-process jobs, outbox mail)"


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs PostgreSQL and Redis: run `make test` with them up "
                                   "(the services run sets BAZAAR_TEST_DATABASE_URL/REDIS_URL)")
    for item in items:
        if "services" in item.keywords and not modes.SERVICES:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def base_config(tmp_path_factory, smtp_sink):
    tmp = tmp_path_factory.mktemp("bazaar")
    config = {
        "SQLALCHEMY_DATABASE_URI": modes.DATABASE_URL or f"sqlite:///{tmp / 'test.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        "CACHE_DIR": str(tmp / "cache"),
    }
    if modes.SERVICES:
        # Jobs run in the worker, and its mail goes by real SMTP to the sink.
        config |= {"REDIS_URL": modes.REDIS_URL, "MAIL_SERVER": "127.0.0.1",
                   "MAIL_PORT": smtp_sink.port}
    return config


@pytest.fixture(scope="session")
def app(base_config):
    application = create_app("testing", base_config)
    reset_schema(application)
    return application


@pytest.fixture(scope="session")
def make_app(base_config, app):
    """Another app on the same database with some settings changed."""

    def build(**overrides):
        return create_app("testing", {**base_config, **overrides})

    return build


@pytest.fixture
def cached_app(make_app):
    """An app with the cache layer on, as production has it (tests otherwise cache nothing):
    Redis in the services run, files in the embedded one; its cache starts and ends empty."""
    cached = make_app(STOREFRONT_CACHE_SECONDS=60)
    with cached.app_context():
        caching.clear()
    yield cached
    with cached.app_context():
        caching.clear()


@pytest.fixture(scope="session", autouse=True)
def rq_worker(app, base_config, tmp_path_factory):
    """The services run's real RQ worker process; its log is printed if it dies."""
    if not modes.SERVICES:
        yield None
        return
    env = {**os.environ, "BAZAAR_TEST_OVERRIDES": json.dumps(base_config), "PYTHONPATH": str(ROOT)}
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "tests.support.worker"], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        time.sleep(0.5)
        if process.poll() is not None:
            pytest.fail(f"the RQ worker did not start:\n{log_path.read_text()}")
        yield process
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(autouse=True)
def _clean_state(app, smtp_sink):
    yield
    if modes.SERVICES:
        # Jobs a test queued must finish before the next test starts, or their mail and rows
        # would land in it.
        wait_for_idle_queues(app)
    empty_tables(app)
    smtp_sink.clear()
    if modes.SERVICES:
        from redis import Redis

        redis = Redis.from_url(modes.REDIS_URL)
        # Keep RQ's own keys (the worker is listening); drop OTP state, limits and the rest.
        stale = [key for key in redis.scan_iter(count=1000) if not key.startswith(b"rq:")]
        if stale:
            redis.delete(*stale)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def factory(app):
    return Factory(app)


@pytest.fixture
def mailbox(app, smtp_sink):
    return Mailbox(app, smtp_sink)


@pytest.fixture
def in_app(app):
    """Run a function inside a fresh app context: `in_app(lambda: db.session.get(...))`."""

    def run(fn):
        with app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    return run


class Auth:
    """Logs a test client in through the real login form."""

    def __init__(self, client, factory):
        self.client = client
        self.factory = factory

    def login(self, user, password=PASSWORD):
        response = self.client.post("/auth/login", data={"email": user.email,
                                                          "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    def login_as(self, role, **kwargs):
        user = getattr(self.factory, role)(**kwargs)
        return self.login(user)

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client, factory):
    return Auth(client, factory)


@pytest.fixture
def login_as(auth, factory):
    """Log the test client in as a fresh user of `role` (a seller comes with a shop)."""

    def login(role):
        if role == "seller":
            return auth.login(factory.seller(with_shop=True))
        return auth.login_as(role)

    return login
