"""Without Redis the serving process runs the periodic jobs: one tick at a time, one process."""
import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import lease as lease_module
from app.jobs.embedded_scheduler import LEASE_KEY, LEASE_SECONDS, EmbeddedScheduler
from app.jobs.lease import Lease
from app.models.orders import Order, PaymentStatus
from app.services.payments import ProviderError
from tests.factories_orders import RecordingProvider, order_row, paid_order
from workers import payments as payment_jobs
from workers.schedule import Periodic

RUNS = []


def count_run():
    """A periodic job for these tests: records that it ran."""
    RUNS.append(time.time())


@pytest.fixture
def embedded(make_app):
    """An app without Redis whose serving process would run the periodic jobs; its
    scheduler's thread (if a test starts it) is stopped afterwards."""
    application = make_app(REDIS_URL=None, EMBEDDED_SCHEDULER=True)
    yield application
    application.extensions["embedded_scheduler"].stop()


@pytest.fixture
def runs():
    RUNS.clear()
    yield RUNS
    RUNS.clear()


def flag_out_of_stock(app, number):
    """Mark an order as one whose stock ran out at payment: it is owed a refund."""
    with app.app_context():
        order = db.session.scalars(select(Order).where(Order.number == number)).one()
        order.flagged_reason = "out of stock"
        db.session.commit()


def test_a_refund_the_provider_refused_once_is_retried_by_the_embedded_scheduler(
        embedded, monkeypatch, shop, mug, buyer):
    provider = RecordingProvider(fail=True)
    monkeypatch.setitem(embedded.extensions, "payments", provider)
    number = paid_order(embedded, buyer, shop, [(mug, 1)])
    flag_out_of_stock(embedded, number)
    order_id = order_row(embedded, number)[0].id
    with embedded.app_context(), pytest.raises(ProviderError):
        payment_jobs.refund_order(order_id)  # the job after payment: the provider refuses
    assert order_row(embedded, number)[0].refunded_at is None
    provider.fail = False

    ran = embedded.extensions["embedded_scheduler"].tick()

    assert "payments.sweep" in ran
    order, payment = order_row(embedded, number)
    assert order.refunded_at is not None
    assert payment.status == PaymentStatus.REFUNDED
    assert [r["idempotency_key"] for r in provider.refunds] == [f"oos-{number}"]


def test_a_tick_runs_each_job_only_when_its_interval_has_passed(embedded, runs):
    scheduler = EmbeddedScheduler(embedded, [Periodic(
        "test.count", "tests.integration.test_embedded_scheduler.count_run", interval=60)])
    now = time.time()
    assert scheduler.tick(now) == ["test.count"]
    assert scheduler.tick(now + 59) == []
    assert scheduler.tick(now + 60) == ["test.count"]
    assert len(runs) == 2


def test_a_failing_job_is_logged_and_the_next_one_still_runs(embedded, runs, caplog):
    scheduler = EmbeddedScheduler(embedded, [
        Periodic("test.broken", "tests.integration.test_embedded_scheduler.no_such_job",
                 interval=60),
        Periodic("test.count", "tests.integration.test_embedded_scheduler.count_run",
                 interval=60)])
    assert scheduler.tick() == ["test.broken", "test.count"]
    assert len(runs) == 1
    assert "periodic job test.broken failed" in caplog.text


def test_the_lease_lets_only_one_of_two_apps_run_a_tick(embedded, make_app, runs):
    schedule = [Periodic("test.count", "tests.integration.test_embedded_scheduler.count_run",
                         interval=60)]
    first = EmbeddedScheduler(embedded, schedule)
    second = EmbeddedScheduler(make_app(REDIS_URL=None, EMBEDDED_SCHEDULER=True), schedule)
    now = time.time()
    assert first.tick(now) == ["test.count"]
    assert second.tick(now) == []
    assert second.tick(now + 60) == []  # the first still holds the lease
    assert second.tick(now + 60 + LEASE_SECONDS) == ["test.count"]  # it expired
    assert len(runs) == 2


def test_a_forked_process_holds_the_lease_under_a_token_of_its_own(monkeypatch):
    lease = Lease(LEASE_KEY, LEASE_SECONDS)
    parent = lease.token
    monkeypatch.setattr(lease_module.os, "getpid", lambda: -1)  # as in a gunicorn worker
    assert lease.token != parent


def test_the_scheduler_is_not_built_in_the_testing_config(app):
    assert "embedded_scheduler" not in app.extensions


def test_the_scheduler_is_not_built_with_redis(make_app):
    with_redis = make_app(REDIS_URL="redis://127.0.0.1:6379/4", EMBEDDED_SCHEDULER=True)
    assert "embedded_scheduler" not in with_redis.extensions


def test_a_cli_command_does_not_start_the_scheduler(embedded):
    result = embedded.test_cli_runner().invoke(args=["orders", "remind"])
    assert result.exit_code == 0
    assert not embedded.extensions["embedded_scheduler"].is_running


def test_the_first_request_starts_the_scheduler_once(embedded, monkeypatch):
    scheduler = embedded.extensions["embedded_scheduler"]
    monkeypatch.setattr(scheduler, "tick_seconds", 3600)  # no tick during the test
    client = embedded.test_client()
    assert not scheduler.is_running
    client.get("/")
    assert scheduler.is_running
    assert scheduler.start() is False  # once per process
