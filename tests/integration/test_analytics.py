"""Engagement analytics: events with device and country, atomic counters, unique visitors,
and recording that never breaks a page. Effects are polled: with Redis a worker writes them."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db, jobs
from app.models.analytics import (
    AnalyticsEvent,
    AnalyticsKind,
    ProductCounter,
    ShopCounter,
    ShopDailyVisitor,
    UserCounter,
)
from app.models.base import utcnow
from app.services.analytics import events as analytics_events
from tests.factories_catalog import create_product, create_shop
from tests.support import modes

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1")
FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


def eventually(in_app, fn, expected, timeout=15.0):
    """Poll `fn` (run in an app context) until it returns `expected`; return the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = in_app(fn)
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def settle(in_app, fn, timeout=1.0):
    """Poll `fn` until it stops changing for a moment: proves nothing more arrives."""
    time.sleep(timeout if modes.SERVICES else 0)
    return in_app(fn)


def counter(model, key, column):
    def read():
        row = db.session.get(model, key)
        return getattr(row, column) if row is not None else None
    return read


def events(kind=None):
    def read():
        query = select(AnalyticsEvent).order_by(AnalyticsEvent.id)
        if kind is not None:
            query = query.where(AnalyticsEvent.kind == kind)
        return [(e.kind, e.product_id, e.shop_id, e.user_id, e.device_type, e.browser, e.os,
                 e.country, bool(e.session_key)) for e in db.session.scalars(query)]
    return read


def count_events():
    return db.session.scalar(select(func.count(AnalyticsEvent.id)))


@pytest.fixture
def product(app, factory):
    return create_product(app, create_shop(factory, name="Tracked Shop"), title="Tracked Mug")


def test_a_product_page_view_is_stored_with_device_browser_os_and_country(client, in_app,
                                                                         product):
    client.get(f"/product/{product.slug}", headers={"User-Agent": IPHONE, "CF-IPCountry": "de"})
    expected = [(AnalyticsKind.PRODUCT_VIEW, product.id, product.shop_id, None, "mobile",
                 "Safari", "iOS", "DE", True)]
    assert eventually(in_app, events(), expected) == expected


def test_country_falls_back_to_the_x_country_code_header(client, in_app, product):
    client.get(f"/product/{product.slug}",
               headers={"User-Agent": FIREFOX_LINUX, "X-Country-Code": "GB"})
    got = eventually(in_app, lambda: [e[4:8] for e in events()()],
                     [("desktop", "Firefox", "Linux", "GB")])
    assert got == [("desktop", "Firefox", "Linux", "GB")]


@pytest.mark.parametrize("header", ["<s", "XX", "T1", "12", "deu", " "])
def test_a_junk_or_unknown_country_header_is_stored_as_no_country(client, in_app, product,
                                                                  header):
    client.get(f"/product/{product.slug}", headers={"CF-IPCountry": header})
    got = eventually(in_app, lambda: [e[7] for e in events()()], [None])
    assert got == [None]


def test_a_signed_in_view_counts_for_the_user_and_the_product(client, auth, in_app, product):
    shopper = auth.login_as("shopper")
    client.get(f"/product/{product.slug}")
    client.get(f"/product/{product.slug}")
    assert eventually(in_app, counter(UserCounter, shopper.id, "views"), 2) == 2
    assert eventually(in_app, counter(ProductCounter, product.id, "views"), 2) == 2


def test_every_event_is_appended(app, in_app, product):
    with app.app_context():
        for _ in range(3):
            analytics_events.record(AnalyticsKind.PRODUCT_VIEW, product_id=product.id)
    assert eventually(in_app, count_events, 3) == 3


def test_cart_wishlist_and_purchase_bump_their_own_counters(app, in_app, product, factory):
    buyer = factory.shopper()
    with app.app_context():
        for kind in (AnalyticsKind.ADD_TO_CART, AnalyticsKind.ADD_TO_WISHLIST):
            analytics_events.record(kind, user_id=buyer.id, product_id=product.id,
                             shop_id=product.shop_id)
        analytics_events.record(AnalyticsKind.PURCHASE, user_id=buyer.id, product_id=product.id,
                         shop_id=product.shop_id, quantity=3, amount_cents=4500)

    def product_row():
        row = db.session.get(ProductCounter, product.id)
        return row and (row.views, row.carts, row.wishlists, row.purchases, row.revenue_cents)

    assert eventually(in_app, product_row, (0, 1, 1, 3, 4500)) == (0, 1, 1, 3, 4500)
    # Purchases count units bought, for the buyer as for the product.
    assert eventually(in_app, counter(UserCounter, buyer.id, "purchases"), 3) == 3
    assert eventually(in_app, counter(ShopCounter, product.shop_id, "revenue_cents"), 4500) == 4500


def _in_threads(app, count, work):
    errors = []
    start = threading.Barrier(count)

    def run():
        with app.app_context():
            try:
                start.wait()
                work()
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_ten_concurrent_writers_count_ten_views(app, in_app, product):
    """The upsert itself under contention, on this run's database (SQLite or PostgreSQL)."""
    event = {"kind": "product_view", "product_id": product.id, "user_agent": IPHONE}
    errors = _in_threads(app, 10, lambda: analytics_events.store_event(dict(event)))
    assert errors == []
    assert in_app(counter(ProductCounter, product.id, "views")) == 10
    assert in_app(count_events) == 10


def test_ten_concurrent_recordings_count_ten_views(app, in_app, product):
    """The whole path: inline writes, or ten jobs for the worker."""
    errors = _in_threads(app, 10, lambda: analytics_events.record(AnalyticsKind.PRODUCT_VIEW,
                                                           product_id=product.id))
    assert errors == []
    assert eventually(in_app, counter(ProductCounter, product.id, "views"), 10) == 10


def test_a_visitor_counts_once_per_shop_per_day(app, in_app, product):
    with app.app_context():
        for key in ("visitor-a", "visitor-a", "visitor-b", "visitor-a", "visitor-b", None):
            analytics_events.record(AnalyticsKind.SHOP_VISIT, shop_id=product.shop_id,
                                    visitor_key=key)

    def shop_row():
        row = db.session.get(ShopCounter, product.shop_id)
        return row and (row.visits, row.unique_visitors)

    assert eventually(in_app, shop_row, (6, 2)) == (6, 2)
    assert in_app(lambda: db.session.scalar(select(func.count()).select_from(ShopDailyVisitor))) \
        == 2


def test_the_same_visitor_counts_again_the_next_day(app, in_app, product, monkeypatch):
    today = utcnow()
    event = {"kind": "shop_visit", "shop_id": product.shop_id, "visitor_key": "visitor-a"}
    with app.app_context():
        analytics_events.store_event(dict(event))
        monkeypatch.setattr(analytics_events, "utcnow", lambda: today + timedelta(days=1))
        analytics_events.store_event(dict(event))
        analytics_events.store_event(dict(event))
    assert in_app(counter(ShopCounter, product.shop_id, "unique_visitors")) == 2
    assert in_app(counter(ShopCounter, product.shop_id, "visits")) == 3


def test_shop_page_visits_count_each_browser_once_a_day(app, in_app, product):
    first, second = app.test_client(), app.test_client()
    for client in (first, first, second, first):
        assert client.get(f"/shop/{product.shop.slug}").status_code == 200

    def shop_row():
        row = db.session.get(ShopCounter, product.shop_id)
        return row and (row.visits, row.unique_visitors)

    assert eventually(in_app, shop_row, (4, 2)) == (4, 2)


def test_a_failing_recorder_never_breaks_the_page(client, in_app, product, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("analytics store is down")

    monkeypatch.setattr(analytics_events, "store_event", broken)
    monkeypatch.setattr(jobs, "enqueue", broken)
    response = client.get(f"/product/{product.slug}")
    assert response.status_code == 200
    assert "Tracked Mug" in response.get_data(as_text=True)
    assert settle(in_app, count_events) == 0


@pytest.mark.parametrize(("call", "stored"), [
    (dict(kind="not-a-kind"), 0),
    (dict(kind=AnalyticsKind.PRODUCT_VIEW, quantity="lots"), 0),
    (dict(kind=AnalyticsKind.PURCHASE, amount_cents=object()), 0),
    (dict(kind=AnalyticsKind.PRODUCT_VIEW, country=42), 1),
    (dict(kind=AnalyticsKind.PRODUCT_VIEW, user_agent=b"bytes"), 1),
], ids=["kind", "quantity", "amount", "country", "user_agent"])
def test_record_never_raises_on_bad_arguments(app, in_app, call, stored):
    with app.app_context():
        kind = call.pop("kind")
        assert analytics_events.record(kind, **call) is None
    # Unusable values drop the event; harmless ones are cleaned and stored.
    assert eventually(in_app, count_events, stored) == stored


def test_a_rejected_write_is_dropped_and_the_session_stays_usable(app, in_app, product):
    with app.app_context():
        # A product id that does not exist breaks the foreign key when the event is written.
        analytics_events.record(AnalyticsKind.PRODUCT_VIEW, product_id=product.id + 10_000)
        assert db.session.scalar(select(func.count(AnalyticsEvent.id))) == 0
        analytics_events.record(AnalyticsKind.PRODUCT_VIEW, product_id=product.id)
    assert eventually(in_app, counter(ProductCounter, product.id, "views"), 1) == 1


def test_negative_quantities_and_amounts_are_recorded_as_zero(app, in_app, product):
    with app.app_context():
        analytics_events.record(AnalyticsKind.PURCHASE, product_id=product.id, quantity=-5,
                         amount_cents=-100)

    def product_row():
        row = db.session.get(ProductCounter, product.id)
        return row and (row.purchases, row.revenue_cents)

    assert eventually(in_app, product_row, (0, 0)) == (0, 0)


@pytest.mark.skipif(modes.SERVICES, reason="embedded mode writes inline")
def test_embedded_recording_writes_before_returning(app, in_app, product):
    with app.app_context():
        analytics_events.record(AnalyticsKind.PRODUCT_VIEW, product_id=product.id)
    assert in_app(counter(ProductCounter, product.id, "views")) == 1


@pytest.mark.skipif(modes.SERVICES, reason="embedded mode writes inline")
def test_embedded_recording_does_not_expire_the_callers_loaded_objects(app, product):
    from app.models.catalog import Product

    with app.app_context():
        loaded = db.session.get(Product, product.id)
        analytics_events.record(AnalyticsKind.PRODUCT_VIEW, product_id=product.id)
        # Still loaded: a page that renders after tracking needs no extra queries.
        assert "title" in loaded.__dict__


@pytest.mark.services
def test_services_recording_is_a_job_the_worker_runs(app, in_app, product, monkeypatch):
    enqueued = []
    real_enqueue = jobs.enqueue

    def spy(func, *args, **kwargs):
        enqueued.append(func)
        return real_enqueue(func, *args, **kwargs)

    monkeypatch.setattr(jobs, "enqueue", spy)
    with app.app_context():
        assert jobs.is_async
        analytics_events.record(AnalyticsKind.PRODUCT_VIEW, product_id=product.id)
    assert enqueued == ["workers.analytics.store_event"]
    assert eventually(in_app, counter(ProductCounter, product.id, "views"), 1) == 1


# --- the buffer: recorded in the request, written (or queued) in batches off it ----------

buffered_only = pytest.mark.skipif(
    modes.SERVICES, reason="with Redis a flushed batch is a job the worker writes (tested below)")


@pytest.fixture
def buffered_app(make_app):
    """Buffering on, flushing every 50 ms, as `make run` does every second."""
    application = make_app(ANALYTICS_BUFFERED=True, ANALYTICS_FLUSH_SECONDS=0.05)
    yield application
    analytics_events.shutdown(application)


@pytest.fixture
def held_app(make_app):
    """Buffering on, but the flusher would wait a minute: the test flushes by hand."""
    application = make_app(ANALYTICS_BUFFERED=True, ANALYTICS_FLUSH_SECONDS=60)
    yield application
    analytics_events.shutdown(application)


def _analytics_writes(queries):
    tables = ("analytics_events", "product_counters", "user_counters", "shop_counters",
              "shop_daily_visitors")
    return [sql for sql in queries.statements
            if sql.upper().startswith("INSERT") and any(t in sql for t in tables)]


@buffered_only
def test_a_buffered_request_records_without_writing(held_app, in_app, product):
    from tests.support.queries import count_queries

    client = held_app.test_client()
    with count_queries(held_app) as queries:
        response = client.get(f"/product/{product.slug}", headers={"User-Agent": IPHONE})
    assert response.status_code == 200
    assert _analytics_writes(queries) == [], queries
    assert len(analytics_events.event_buffer(held_app)) == 1
    assert in_app(count_events) == 0
    assert analytics_events.flush(held_app) == 1
    assert in_app(events()) == [(AnalyticsKind.PRODUCT_VIEW, product.id, product.shop_id, None,
                                 "mobile", "Safari", "iOS", None, True)]


@buffered_only
def test_buffered_events_and_counters_arrive_after_the_flush(buffered_app, in_app, product):
    first, second = buffered_app.test_client(), buffered_app.test_client()
    for client in (first, first, second, first, second):
        assert client.get(f"/product/{product.slug}").status_code == 200
    for client in (first, first, second, first):
        assert client.get(f"/shop/{product.shop.slug}").status_code == 200

    def shop_row():
        row = db.session.get(ShopCounter, product.shop_id)
        return row and (row.visits, row.unique_visitors)

    assert eventually(in_app, counter(ProductCounter, product.id, "views"), 5) == 5
    assert eventually(in_app, shop_row, (4, 2)) == (4, 2)
    assert eventually(in_app, count_events, 9) == 9


@buffered_only
def test_a_batch_of_n_views_is_one_upsert_of_plus_n(held_app, in_app, product, factory):
    from tests.support.queries import count_queries

    shopper = factory.shopper()
    with held_app.app_context():
        for _ in range(7):
            analytics_events.record(AnalyticsKind.PRODUCT_VIEW, user_id=shopper.id,
                             product_id=product.id, shop_id=product.shop_id)
    with count_queries(held_app) as queries:
        assert analytics_events.flush(held_app) == 7
    writes = _analytics_writes(queries)
    assert len([sql for sql in writes if "product_counters" in sql]) == 1, queries
    assert len([sql for sql in writes if "user_counters" in sql]) == 1, queries
    assert in_app(counter(ProductCounter, product.id, "views")) == 7
    assert in_app(counter(UserCounter, shopper.id, "views")) == 7
    assert in_app(count_events) == 7


@buffered_only
def test_concurrent_buffered_recording_loses_nothing(buffered_app, in_app, product):
    def work():
        for _ in range(50):
            analytics_events.record(AnalyticsKind.PRODUCT_VIEW, product_id=product.id,
                             user_agent=IPHONE)

    assert _in_threads(buffered_app, 8, work) == []
    assert eventually(in_app, counter(ProductCounter, product.id, "views"), 400) == 400
    assert eventually(in_app, count_events, 400) == 400


@buffered_only
def test_a_failing_flush_never_reaches_a_request_and_later_batches_work(
        buffered_app, in_app, product, monkeypatch):
    real, failed = analytics_events.store_events, threading.Event()

    def fail_once(batch):
        if not failed.is_set():
            failed.set()
            raise RuntimeError("database is away")
        return real(batch)

    monkeypatch.setattr(analytics_events, "store_events", fail_once)
    client = buffered_app.test_client()
    assert client.get(f"/product/{product.slug}").status_code == 200
    assert failed.wait(5)
    # That batch is dropped; the next one is written.
    assert client.get(f"/product/{product.slug}").status_code == 200
    assert eventually(in_app, counter(ProductCounter, product.id, "views"), 1) == 1
    assert settle(in_app, count_events, timeout=0.2) == 1


@buffered_only
def test_one_rejected_event_does_not_sink_its_batch(held_app, in_app, product):
    with held_app.app_context():
        analytics_events.record(AnalyticsKind.PRODUCT_VIEW, product_id=product.id + 10_000)
        analytics_events.record(AnalyticsKind.PRODUCT_VIEW, product_id=product.id)
    assert analytics_events.flush(held_app) == 1
    assert in_app(counter(ProductCounter, product.id, "views")) == 1


@buffered_only
def test_a_full_buffer_drops_the_oldest_and_says_so(app, in_app, product, caplog, monkeypatch):
    # Alembic's fileConfig (run by reset_schema) disables loggers that already existed.
    monkeypatch.setattr(analytics_events.log, "disabled", False)
    buffer = analytics_events.EventBuffer(app, 60, max_events=3, autostart=False)
    try:
        for quantity in range(1, 6):
            buffer.add({"kind": "purchase", "product_id": product.id, "quantity": quantity})
        with caplog.at_level("WARNING", logger=analytics_events.log.name):
            assert buffer.flush() == 3
    finally:
        buffer.close()
    assert "2 oldest events dropped" in caplog.text
    # The three newest survived: 3 + 4 + 5 units.
    assert in_app(counter(ProductCounter, product.id, "purchases")) == 12


@pytest.mark.services
def test_with_redis_a_buffered_batch_is_one_job_the_worker_writes(held_app, in_app, product,
                                                                 monkeypatch):
    queued = []
    enqueue = jobs.enqueue
    monkeypatch.setattr(jobs, "enqueue", lambda name, *args, **kwargs: (
        queued.append((name, len(args[0]))), enqueue(name, *args, **kwargs))[1])
    client = held_app.test_client()
    for _ in range(3):
        client.get(f"/product/{product.slug}", headers={"User-Agent": IPHONE})
    assert queued == []  # the page views themselves queued nothing
    assert analytics_events.flush(held_app) == 3
    assert queued == [("workers.analytics.store_events", 3)]
    assert eventually(in_app, count_events, 3) == 3
