"""The webhook inbox: events stored once on receipt, drained in batches, one bad one alone."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db, jobs
from app.models.catalog import ProductVariant
from app.models.orders import OrderStatus, Payment, PaymentStatus, ProcessedWebhookEvent
from app.models.webhooks import WebhookInboxEvent
from app.services.orders.fulfilment import create
from app.services.payments.webhooks import drain as webhook_drain
from app.services.payments.webhooks import inbox as webhook_inbox
from tests.factories_cart import shop_with_product
from tests.factories_payments import (
    create_checkout,
    event_for,
    in_context,
    orders_of,
    post_event,
    settle,
    shop_part,
)
from tests.support.queries import count_queries


def stock_of(app, variant):
    return in_context(app, lambda: db.session.get(ProductVariant, variant.id).stock)


def inbox_rows(app):
    return in_context(app, lambda: [
        (row.event_id, row.processed_at is not None, row.attempts, row.outcome)
        for row in db.session.scalars(select(WebhookInboxEvent).order_by(WebhookInboxEvent.id))])


def checkouts_of(app, factory, product, buyers, quantity=1):
    variant = product.variants[0]
    return [create_checkout(app, factory.shopper(),
                            [shop_part(product.shop, [(product, variant, quantity)])])
            for _ in range(buyers)]


def stored_then_drained(app, events):
    """Store every event first, then drain them here in one go (one batch)."""
    with app.app_context():
        for event in events:
            webhook_inbox.store(event)
        failed = webhook_drain.drain(linger=0)
        db.session.remove()
    settle(app)
    return failed


def test_a_replayed_delivery_is_stored_once_in_the_inbox(app, client, factory):
    _, product = shop_with_product(app, factory)
    [checkout] = checkouts_of(app, factory, product, 1)
    event = event_for(checkout)
    for _ in range(3):
        assert post_event(client, app, event).status_code == 200
    settle(app)
    assert inbox_rows(app) == [(event["id"], True, 0, "fulfilled")]
    assert len(orders_of(app, checkout)) == 1


def test_storing_an_event_handled_already_reports_nothing_to_do(app, factory):
    _, product = shop_with_product(app, factory)
    [checkout] = checkouts_of(app, factory, product, 1)
    event = event_for(checkout)
    stored_then_drained(app, [event])
    assert in_context(app, lambda: webhook_inbox.store(event)) is False
    assert in_context(app, webhook_inbox.pending_count) == 0


def test_one_batch_fulfils_many_checkouts_each_exactly_once(app, factory, mailbox):
    _, product = shop_with_product(app, factory, variants=[("", "", 10)])
    checkouts = checkouts_of(app, factory, product, 4, quantity=2)
    assert stored_then_drained(app, [event_for(c) for c in checkouts]) == {}
    assert [len(orders_of(app, c)) for c in checkouts] == [1, 1, 1, 1]
    assert stock_of(app, product.variants[0]) == 2
    assert [row[1:] for row in inbox_rows(app)] == [(True, 0, "fulfilled")] * 4
    for checkout in checkouts:
        email = checkout.snapshot["email"]
        mailbox.wait_for(email, subject="confirmed")
        assert len([m for m in mailbox.messages(email) if "confirmed" in m.subject]) == 1


def test_a_second_event_for_the_same_session_in_one_batch_creates_nothing_more(app, factory):
    _, product = shop_with_product(app, factory, variants=[("", "", 10)])
    [checkout] = checkouts_of(app, factory, product, 1)
    stored_then_drained(app, [
        event_for(checkout),
        event_for(checkout, kind="checkout.session.async_payment_succeeded"),
        event_for(checkout, kind="checkout.session.expired")])
    assert len(orders_of(app, checkout)) == 1
    assert stock_of(app, product.variants[0]) == 9
    payments = in_context(app, lambda: db.session.scalar(select(func.count()).select_from(Payment)))
    assert payments == 1
    assert [row[3] for row in inbox_rows(app)] == ["fulfilled", "already_paid", "ignored"]


def test_the_last_unit_bought_twice_in_one_batch_refunds_the_later_payer(app, factory):
    _, product = shop_with_product(app, factory, variants=[("", "", 1)])
    first, second = checkouts_of(app, factory, product, 2)
    stored_then_drained(app, [event_for(first), event_for(second)])
    [kept] = orders_of(app, first)
    [refunded] = orders_of(app, second)
    assert kept.status == OrderStatus.PLACED and kept.flagged_reason is None
    assert refunded.status == OrderStatus.REFUNDED and refunded.refunded_at is not None
    assert stock_of(app, product.variants[0]) == 0


def test_a_tampered_amount_in_a_batch_is_refused_and_refunded_alone(app, factory):
    _, product = shop_with_product(app, factory, variants=[("", "", 10)])
    good, tampered = checkouts_of(app, factory, product, 2)
    stored_then_drained(app, [event_for(good), event_for(tampered, amount_total=100)])
    assert len(orders_of(app, good)) == 1
    assert orders_of(app, tampered) == []
    statuses = in_context(app, lambda: dict(db.session.execute(select(
        Payment.provider_session_id, Payment.status)).all()))
    assert statuses == {good.session_id: PaymentStatus.PAID,
                        tampered.session_id: PaymentStatus.REFUNDED}
    assert stock_of(app, product.variants[0]) == 9


def test_an_event_for_an_unknown_session_in_a_batch_creates_nothing_for_it(app, factory):
    _, product = shop_with_product(app, factory, variants=[("", "", 10)])
    known, stranger = checkouts_of(app, factory, product, 2)
    stranger.session_id = "cs_not_ours_in_a_batch"
    stored_then_drained(app, [event_for(stranger), event_for(known)])
    assert len(orders_of(app, known)) == 1
    assert [row[3] for row in inbox_rows(app)] == ["unknown_session", "fulfilled"]


def test_a_bad_event_in_the_middle_of_a_batch_leaves_the_others_committed(
        app, factory, monkeypatch):
    _, product = shop_with_product(app, factory, variants=[("", "", 10)])
    first, bad, last = checkouts_of(app, factory, product, 3)
    real = create._create_orders

    def broken_for_one(checkout, *args):
        if checkout.provider_session_id == bad.session_id:
            raise RuntimeError("this one breaks")
        return real(checkout, *args)

    monkeypatch.setattr(create, "_create_orders", broken_for_one)
    events = [event_for(first), event_for(bad), event_for(last)]
    failed = stored_then_drained(app, events)
    assert list(failed) == [events[1]["id"]]
    assert [len(orders_of(app, c)) for c in (first, bad, last)] == [1, 0, 1]
    assert stock_of(app, product.variants[0]) == 8
    assert [row[1:3] for row in inbox_rows(app)] == [(True, 0), (False, 1), (True, 0)]
    markers = in_context(app, lambda: set(db.session.scalars(select(
        ProcessedWebhookEvent.event_id).where(ProcessedWebhookEvent.event_type != "bazaar.step"))))
    assert markers == {events[0]["id"], events[2]["id"]}  # the bad one's was rolled back


def test_a_failed_event_waits_for_its_retry_unless_delivered_again(app, factory, monkeypatch):
    _, product = shop_with_product(app, factory)
    [checkout] = checkouts_of(app, factory, product, 1)
    event = event_for(checkout)

    def broken(*args):
        raise RuntimeError("database went away")

    monkeypatch.setattr(create, "_create_orders", broken)
    stored_then_drained(app, [event])
    monkeypatch.undo()
    with app.app_context():
        assert webhook_inbox.claim_due(10) == []  # not due yet: it failed a moment ago
        db.session.rollback()
    stored_then_drained(app, [event])  # the provider delivers it again: due at once
    assert len(orders_of(app, checkout)) == 1
    assert inbox_rows(app) == [(event["id"], True, 1, "fulfilled")]


def test_an_event_that_keeps_failing_is_left_pending_after_the_last_attempt(
        app, factory, monkeypatch):
    _, product = shop_with_product(app, factory)
    [checkout] = checkouts_of(app, factory, product, 1)
    event = event_for(checkout)

    def broken(*args):
        raise RuntimeError("always")

    monkeypatch.setattr(create, "_create_orders", broken)
    with app.app_context():
        webhook_inbox.store(event)
        db.session.execute(update(WebhookInboxEvent).values(
            attempts=webhook_inbox.MAX_ATTEMPTS - 1))
        db.session.commit()
    stored_then_drained(app, [event])  # delivered again: due now, fails the last time
    stored_then_drained(app, [event])  # and again: no longer tried
    assert inbox_rows(app) == [(event["id"], False, webhook_inbox.MAX_ATTEMPTS, None)]
    assert orders_of(app, checkout) == []


@pytest.mark.services
def test_a_batch_of_eight_events_costs_no_more_statements_than_a_batch_of_two(app, factory):
    _, product = shop_with_product(app, factory, variants=[("", "", 100)])

    def statements_to_drain(count):
        events = [event_for(c) for c in checkouts_of(app, factory, product, count)]
        with app.app_context():
            for event in events:
                webhook_inbox.store(event)
        with count_queries(app) as queries:
            stored_then_drained(app, [])
        return queries.count

    assert statements_to_drain(8) == statements_to_drain(2)
    assert stock_of(app, product.variants[0]) == 90


def test_handled_events_are_forgotten_after_a_month_and_a_late_replay_does_nothing(
        app, factory):
    _, product = shop_with_product(app, factory)
    [checkout] = checkouts_of(app, factory, product, 1)
    event = event_for(checkout)
    stored_then_drained(app, [event])
    with app.app_context():
        assert webhook_inbox.purge_processed(timedelta(days=30)) == 0
        assert webhook_inbox.purge_processed(timedelta(0)) == 1
    stored_then_drained(app, [event])  # delivered once more, long after
    assert inbox_rows(app) == [(event["id"], True, 0, "duplicate")]
    assert len(orders_of(app, checkout)) == 1
    assert stock_of(app, product.variants[0]) == 9


@pytest.mark.services
def test_a_finished_drain_clears_its_wake_flag_so_the_next_event_is_drained_at_once(
        app, client, factory):
    _, product = shop_with_product(app, factory, variants=[("", "", 10)])
    first, second = checkouts_of(app, factory, product, 2)
    post_event(client, app, event_for(first))
    settle(app)
    assert in_context(app, lambda: jobs.redis.exists(webhook_drain.WAKE_KEY)) == 0
    post_event(client, app, event_for(second))
    settle(app)
    assert [len(orders_of(app, c)) for c in (first, second)] == [1, 1]
