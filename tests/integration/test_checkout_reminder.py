"""Abandoned checkout: one reminder for a payment session left unpaid for a day."""
import threading
from datetime import timedelta

import pytest
from redis import Redis

from app.extensions import jobs
from app.models.base import utcnow
from app.models.orders import CheckoutStatus
from app.services.checkout import reminders
from tests.factories_cart import put_in_cart
from tests.factories_catalog import create_product
from tests.factories_orders import (
    checkout_session,
    paid_order,
    read,
    reminder_sent_at,
    settle,
)
from tests.support import modes
from workers import orders as order_jobs
from workers import schedule

SUBJECT = "You left something in your cart"


@pytest.fixture
def shop(factory):
    return factory.shop(factory.seller(with_shop=False), name="Fern & Stone")


@pytest.fixture
def mug(app, shop):
    return create_product(app, shop, title="Stoneware mug", variants=[("", "", 10)])


@pytest.fixture
def shopper(app, factory, mug):
    """A shopper whose cart still holds what they were about to pay for."""
    user = factory.shopper(name="Cass Cart")
    put_in_cart(app, user, mug.variants[0], 2)
    return user


def sweep(app):
    return read(app, order_jobs.send_checkout_reminders)


def test_a_checkout_unpaid_for_a_day_gets_one_reminder(app, mailbox, shopper):
    session_id = checkout_session(app, shopper, lines=[("Stoneware mug", 2)],
                                  amount_cents=4500)
    assert sweep(app) == 1
    mail = mailbox.wait_for(shopper.email, subject=SUBJECT)
    assert "Hi Cass Cart" in mail.text and "2 x Stoneware mug" in mail.text
    assert "$45.00" in mail.text and "/cart" in mail.text and "2 × Stoneware mug" in mail.html
    assert reminder_sent_at(app, session_id) is not None
    assert sweep(app) == 0
    settle(app)
    assert len(mailbox.messages(shopper.email)) == 1


@pytest.mark.parametrize("case", ["too_recent", "too_old", "paid", "expired", "replaced",
                                  "already_reminded"])
def test_sessions_that_are_not_due_get_no_reminder(app, mailbox, shopper, case):
    options = {"too_recent": {"age": timedelta(hours=23)},
               "too_old": {"age": timedelta(days=8)},
               "paid": {"status": CheckoutStatus.PAID},
               "expired": {"status": CheckoutStatus.EXPIRED},
               "replaced": {"status": CheckoutStatus.REPLACED},
               "already_reminded": {"reminded": True}}[case]
    checkout_session(app, shopper, **options)
    assert sweep(app) == 0
    settle(app)
    assert mailbox.messages(shopper.email) == []


def test_no_reminder_once_the_shopper_has_ordered_since(app, mailbox, shopper, shop, mug):
    checkout_session(app, shopper, age=timedelta(hours=30))
    paid_order(app, shopper, shop, [(mug, 1)], placed_at=utcnow() - timedelta(hours=29))
    assert sweep(app) == 0


def test_an_order_from_before_the_checkout_does_not_stop_the_reminder(app, mailbox, shopper,
                                                                      shop, mug):
    checkout_session(app, shopper, age=timedelta(hours=30))
    paid_order(app, shopper, shop, [(mug, 1)], placed_at=utcnow() - timedelta(days=3))
    assert sweep(app) == 1


def test_banned_shoppers_and_emptied_carts_get_no_reminder(app, factory, mailbox, mug):
    banned = factory.shopper(banned=True)
    put_in_cart(app, banned, mug.variants[0], 1)
    emptied = factory.shopper()
    checkout_session(app, banned)
    checkout_session(app, emptied)
    assert sweep(app) == 0
    settle(app)
    assert mailbox.messages(banned.email) == mailbox.messages(emptied.email) == []


def test_overlapping_sweeps_send_each_reminder_once(app, mailbox, factory, mug):
    users = [factory.shopper() for _ in range(5)]
    for user in users:
        put_in_cart(app, user, mug.variants[0], 1)
        checkout_session(app, user)
    counts = []
    start = threading.Barrier(4)

    def run():
        start.wait()
        counts.append(sweep(app))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 5
    for user in users:
        mailbox.wait_for(user.email, subject=SUBJECT)
    settle(app)
    assert [len(mailbox.messages(u.email)) for u in users] == [1] * 5


def test_flask_orders_remind_runs_the_sweep(runner, mailbox, shopper, app):
    checkout_session(app, shopper)
    result = runner.invoke(args=["orders", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 checkout reminder sent." in result.output
    mailbox.wait_for(shopper.email, subject=SUBJECT)
    again = runner.invoke(args=["orders", "remind"])
    assert "0 checkout reminders sent." in again.output


def test_the_sweep_runs_as_a_job(app, mailbox, shopper):
    checkout_session(app, shopper)
    read(app, lambda: jobs.enqueue("workers.orders.send_checkout_reminders", queue="emails"))
    mailbox.wait_for(shopper.email, subject=SUBJECT)


def test_the_schedule_registers_the_sweep_with_rq_cron():
    scheduler = schedule.build_scheduler(Redis.from_url("redis://127.0.0.1:1/0"))
    (job,) = [j for j in scheduler.get_jobs() if j.name == "orders.checkout-reminders"]
    assert job.func is order_jobs.send_checkout_reminders
    assert (job.queue_name, job.interval, job.cron) == ("emails", 900, None)
    assert len({entry.id for entry in schedule.SCHEDULE}) == len(schedule.SCHEDULE)


@pytest.mark.services
def test_rq_cron_enqueues_the_sweep_and_the_worker_sends_the_reminder(app, mailbox, shopper):
    checkout_session(app, shopper)
    scheduler = schedule.build_scheduler(Redis.from_url(modes.REDIS_URL))
    enqueued = scheduler.enqueue_jobs()  # an interval job runs at once the first time
    assert "orders.checkout-reminders" in [job.name for job in enqueued]
    mailbox.wait_for(shopper.email, subject=SUBJECT)


def test_due_sessions_ignores_other_shoppers_orders(app, factory, shopper, shop, mug):
    checkout_session(app, shopper)
    paid_order(app, factory.shopper(), shop, [(mug, 1)], placed_at=utcnow())
    assert len(read(app, reminders.due_sessions)) == 1
