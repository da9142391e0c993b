"""A Redis outage: every rate-limited form still answers, and queued jobs wait for Redis.

Runs in both modes: it needs only the `redis-server` binary (a server of its own, which it
stops) and the app's database.
"""
import logging
import shutil
import socket
import subprocess
import time

import pytest
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select

from app import jobs as job_queue
from app.extensions import db, jobs, limiter
from app.jobs import QUEUES
from app.models.infrastructure import DeferredJob
from app.models.webhooks import WebhookInboxEvent
from tests.conftest import Auth
from tests.factories import PASSWORD
from tests.factories_catalog import create_product
from tests.factories_checkout import ready_cart
from tests.support import modes
from workers.queue import release_deferred
from workers.worker import AppWorker

NEW_EMAIL = "outage.newcomer@example.com"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server process that keeps nothing on disk."""

    def __init__(self, binary, workdir):
        self.binary, self.workdir = binary, workdir
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except RedisError as error:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on {self.port}") from error
                time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed (apt-get install redis-server)"
        if modes.IN_CI:
            pytest.fail(f"{reason}: CI must run the Redis outage tests")
        pytest.skip(reason)
    server = RedisServer(binary, tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


def outage_app(make_app, server):
    """An app on `server` with rate limits on; then the server goes away."""
    if server.process is None:
        server.start()
    app = make_app(REDIS_URL=server.url, RATELIMIT_ENABLED=True)
    server.stop()
    return app


@pytest.fixture(scope="module")
def down(make_app, redis_server):
    """The app whose Redis is down (shared by this module's tests: apps are slow to build)."""
    yield outage_app(make_app, redis_server)
    # Flask-Limiter and Flask-SocketIO are one object each per process: point them back at
    # the suite's own settings for the tests that follow, and end the limiter's fallback to
    # memory now rather than at its next storage check (up to 32 s later).
    make_app()
    limiter._storage_dead = False


@pytest.fixture
def restartable(down, redis_server, monkeypatch):
    """The down app's Redis, for a test that starts it again; it is down again after."""
    monkeypatch.setattr(job_queue, "REDIS_RETRY_SECONDS", 0)  # try Redis on every job
    yield redis_server
    redis_server.stop()


@pytest.fixture
def client(down):
    return down.test_client()


@pytest.fixture
def auth(client, factory):
    return Auth(client, factory)


def kept_jobs(app):
    with app.app_context():
        try:
            return db.session.scalars(select(DeferredJob.func).order_by(DeferredJob.id)).all()
        finally:
            db.session.remove()


def run_queued_jobs(app, server):
    """Run what is queued on `server` in this process, as the worker would, until idle."""

    class Worker(AppWorker):
        flask_app = app

    Worker(list(QUEUES), connection=Redis.from_url(server.url)).work(burst=True,
                                                                     with_scheduler=False)


def sign_up(client, email=NEW_EMAIL):
    return client.post("/auth/signup", data={"name": "New Comer", "email": email,
                                             "password": "brass-lantern-58",
                                             "confirm": "brass-lantern-58"})


def test_signing_in_through_the_login_form_works(client, auth, factory):
    user = factory.shopper()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_signing_up_works_and_keeps_the_code_email_for_later(down, client):
    response = sign_up(client)
    assert response.status_code == 302 and "/auth/verify" in response.location
    assert kept_jobs(down) == ["workers.emails.deliver_email"]


def test_a_wrong_code_on_the_verify_form_is_refused_with_a_message(client):
    sign_up(client)
    response = client.post("/auth/verify", data={"email": NEW_EMAIL, "code": "000000"})
    assert response.status_code in (200, 422)
    assert "That code is not right. 2 attempts left." in response.get_data(as_text=True)


def test_forgot_password_answers_and_keeps_the_email(down, client, factory):
    user = factory.shopper()
    response = client.post("/auth/forgot", data={"email": user.email})
    assert response.status_code == 302
    assert kept_jobs(down) == ["workers.emails.deliver_email"]


def test_a_chat_message_is_sent(down, client, auth, factory):
    shop = factory.shop(factory.seller(with_shop=False), name="Outage Mugs")
    create_product(down, shop, "Storm Mug")
    auth.login_as("shopper")
    response = client.post("/messages/new", data={"shop": shop.slug, "body": "Still open?"})
    assert response.status_code == 302
    assert "Still open?" in client.get(response.location.split("#")[0]).get_data(as_text=True)


def test_an_api_token_is_issued(client, factory):
    user = factory.shopper()
    response = client.post("/api/v1/auth/token", json={"email": user.email,
                                                        "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["access_token"]


def test_checkout_pay_reaches_the_payment_page(down, client, auth, factory):
    ready = ready_cart(down, factory)
    auth.login(ready.shopper)
    response = client.post("/checkout/pay", data={"address_id": ready.address.id})
    assert response.status_code == 303


def test_a_test_payment_is_taken_and_its_event_waits_in_the_inbox(down, client, auth,
                                                                    factory):
    ready = ready_cart(down, factory)
    auth.login(ready.shopper)
    pay_page = client.post("/checkout/pay", data={"address_id": ready.address.id}).location
    assert client.get(pay_page).status_code == 200
    done = client.post(pay_page)
    assert done.status_code == 303 and "/checkout/success" in done.location
    assert client.get(done.location).status_code == 200
    with down.app_context():
        assert db.session.scalar(select(func.count(WebhookInboxEvent.id))) == 1
        db.session.remove()


def test_guest_and_signed_in_pages_keep_serving(client, auth):
    assert client.get("/").status_code == 200
    assert client.get("/products").status_code == 200
    auth.login_as("shopper")
    assert client.get("/account/").status_code == 200


def test_the_outage_is_logged_once_not_per_request(make_app, redis_server, factory, caplog):
    app = outage_app(make_app, redis_server)
    client = app.test_client()
    caplog.set_level(logging.INFO)
    for number in range(3):
        client.post("/auth/forgot", data={"email": factory.shopper().email})
        sign_up(client, f"outage{number}@example.com")
    queue_warnings = [r for r in caplog.records
                      if r.name == "app.jobs" and r.levelno >= logging.WARNING]
    assert len(queue_warnings) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(kept_jobs(app)) == 6


def test_jobs_kept_during_the_outage_run_once_redis_is_back(down, client, factory, mailbox,
                                                             restartable):
    user = factory.shopper()
    client.post("/auth/forgot", data={"email": user.email})
    sign_up(client)
    assert len(kept_jobs(down)) == 2
    restartable.start()  # empty, as after a restart without persistence
    with down.app_context():
        assert release_deferred() == 2
    run_queued_jobs(down, restartable)
    assert kept_jobs(down) == []
    assert mailbox.wait_for(user.email, timeout=10)
    assert mailbox.wait_for(NEW_EMAIL, timeout=10)


def test_the_next_job_queued_after_the_outage_takes_the_kept_ones_along(down, client, factory,
                                                                        restartable):
    sign_up(client)
    assert len(kept_jobs(down)) == 1
    restartable.start()
    client.post("/auth/forgot", data={"email": factory.shopper().email})
    assert kept_jobs(down) == []
    with down.app_context():
        assert jobs.queue("emails").count == 2
