"""Engagement analytics: append-only events plus counters kept current for dashboards.

Recording must never slow or break a page: events are buffered in the process and handed on
in batches by one flusher thread (ANALYTICS_BUFFERED, every ANALYTICS_FLUSH_SECONDS): with
Redis as one job per batch for the workers, without it written by the flusher itself. With
buffering off (tests) each event is a job, or is written inline without Redis. Either way a
failure is logged and forgotten.
"""
import atexit
import logging
import os
import threading
from collections import Counter, defaultdict, deque

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

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
from app.text.user_agents import parse_user_agent

log = logging.getLogger(__name__)

# Which counter column each kind of event bumps.
_USER_COLUMNS = {
    AnalyticsKind.PRODUCT_VIEW: "views", AnalyticsKind.ADD_TO_CART: "carts",
    AnalyticsKind.ADD_TO_WISHLIST: "wishlists", AnalyticsKind.PURCHASE: "purchases",
}
_PRODUCT_COLUMNS = _USER_COLUMNS

# Events held in memory at most; when the flusher falls behind the oldest are dropped.
BUFFER_MAX_EVENTS = 10_000
# Rows per multi-row INSERT of daily visitors (SQLite caps bound parameters per statement).
_VISITOR_CHUNK = 300
_BUFFER_KEY = "analytics_buffer"
_buffers_lock = threading.Lock()


def record(kind, *, user_id=None, visitor_key=None, product_id=None, shop_id=None, quantity=1,
           amount_cents=0, user_agent=None, country=None):
    """Record one event (buffered; else a job with Redis, or written inline). Never raises."""
    try:
        event = {
            "kind": str(AnalyticsKind(kind)), "user_id": user_id,
            "visitor_key": visitor_key[:64] if visitor_key else None,
            "product_id": product_id, "shop_id": shop_id,
            # Negative values would break the table's CHECKs and drop the whole event.
            "quantity": max(0, int(quantity or 0)),
            "amount_cents": max(0, int(amount_cents or 0)),
            "user_agent": user_agent[:512] if isinstance(user_agent, str) else "",
            "country": country_code(country),
        }
        if current_app.config.get("ANALYTICS_BUFFERED"):
            # When it happened, not when the flusher gets to it (also picks the visitor's day).
            event["created_at"] = utcnow()
            event_buffer(current_app._get_current_object()).add(event)
        elif jobs.is_async:
            jobs.enqueue("workers.analytics.store_event", event, queue="default")
        else:
            _store_inline(event)
    except Exception:  # analytics are never worth a failed page
        log.exception("analytics event dropped: %s", kind)


def country_code(value):
    """An ISO 3166 alpha-2 code from a geo header, or None (CDNs send XX/T1 when unsure)."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 2 or not code.isascii() or not code.isalpha() or code == "XX":
        return None
    return code


def _store_inline(event):
    """store_event in the caller's session without expiring the objects its page has loaded."""
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        store_event(event)
    except Exception:
        db.session.rollback()
        raise
    finally:
        session.expire_on_commit = expire_on_commit


def store_event(event):
    """Write one event and bump its counters in one transaction."""
    store_events([event])


def store_events(events):
    """Write many events and bump their counters in ONE transaction (committed)."""
    write_events(events)
    db.session.commit()


def write_events(events):
    """Write many events and bump their counters in the caller's transaction (no commit).

    Counter increments are summed per row first, so N views of one product are one upsert of
    +N; each distinct (shop, day, visitor) is inserted once to decide unique visitors.
    """
    now = utcnow()
    rows = []
    bumps = defaultdict(Counter)  # (model, key column, key value) -> {column: increment}
    visitors = {}  # (shop_id, day, visitor_key) -> None, in first-seen order
    agents = {}
    for event in events:
        kind = AnalyticsKind(event["kind"])
        agent = event.get("user_agent")
        if agent not in agents:
            agents[agent] = parse_user_agent(agent)
        device, browser, os_name = agents[agent]
        created_at = event.get("created_at") or now
        quantity, amount = event.get("quantity", 1), event.get("amount_cents", 0)
        rows.append({
            "kind": kind, "user_id": event.get("user_id"),
            "session_key": event.get("visitor_key"), "product_id": event.get("product_id"),
            "shop_id": event.get("shop_id"), "device_type": device, "browser": browser,
            "os": os_name, "country": event.get("country"), "quantity": quantity,
            "amount_cents": amount, "created_at": created_at,
        })
        # Purchases count units bought; every other kind counts occurrences.
        step = quantity if kind == AnalyticsKind.PURCHASE else 1
        if event.get("user_id") and kind in _USER_COLUMNS:
            bumps[(UserCounter, "user_id", event["user_id"])][_USER_COLUMNS[kind]] += step
        if event.get("product_id") and kind in _PRODUCT_COLUMNS:
            changes = bumps[(ProductCounter, "product_id", event["product_id"])]
            changes[_PRODUCT_COLUMNS[kind]] += step
            if kind == AnalyticsKind.PURCHASE:
                changes["revenue_cents"] += amount
        if event.get("shop_id") and kind == AnalyticsKind.SHOP_VISIT:
            bumps[(ShopCounter, "shop_id", event["shop_id"])]["visits"] += 1
            if event.get("visitor_key"):
                visitors[(event["shop_id"], created_at.date(), event["visitor_key"][:64])] = None
        if event.get("shop_id") and kind == AnalyticsKind.PURCHASE:
            bumps[(ShopCounter, "shop_id", event["shop_id"])]["revenue_cents"] += amount
    if not rows:
        return
    # Core, not the ORM's bulk insert: plain rows need none of its per-row bookkeeping, which
    # cost twice the INSERT itself and held the worker's GIL for it.
    db.session.connection().execute(AnalyticsEvent.__table__.insert(), rows)
    for shop_id, unique in _first_visits(list(visitors)).items():
        bumps[(ShopCounter, "shop_id", shop_id)]["unique_visitors"] += unique
    # One multi-row upsert per table and set of columns; rows in key order, tables in name
    # order, so concurrent batches take the row locks in the same order.
    groups = defaultdict(list)
    for model, key, key_value in sorted(bumps, key=lambda k: (k[0].__tablename__, k[2])):
        increments = dict(bumps[(model, key, key_value)])
        groups[(model, key, tuple(sorted(increments)))].append((key_value, increments))
    for (model, key, _), rows in sorted(groups.items(),
                                        key=lambda item: (item[0][0].__tablename__, item[0][2])):
        bump_many(model, key, rows)


def _dialect_insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def bump_many(model, key, rows):
    """Atomic `counter = counter + n` upserts, safe with concurrent writers on both databases,
    for many rows that increment the same columns: [(key value, {column: n})].

    One statement executed for many parameter sets (psycopg pipelines them): its SQL is
    compiled once and cached, where a multi-row VALUES would be compiled anew for every size.
    """
    table, now = model.__table__, utcnow()
    columns = sorted(rows[0][1])
    statement = _dialect_insert(model)
    statement = statement.on_conflict_do_update(
        index_elements=[key],
        set_={**{col: table.c[col] + statement.excluded[col] for col in columns},
              "updated_at": statement.excluded.updated_at},
    )
    db.session.connection().execute(statement, [{key: key_value, **increments, "updated_at": now}
                                                for key_value, increments in rows])


def _first_visits(visits):
    """Insert (shop_id, day, visitor_key) rows; return {shop_id: how many were new}.

    RETURNING, not rowcount: through SQLAlchemy 2.1 + psycopg 3 an INSERT ... ON CONFLICT
    reports rowcount -1, so no visit was ever counted unique on PostgreSQL.
    """
    new = Counter()
    for start in range(0, len(visits), _VISITOR_CHUNK):
        chunk = visits[start:start + _VISITOR_CHUNK]
        statement = _dialect_insert(ShopDailyVisitor).values([
            {"shop_id": shop_id, "day": day, "visitor_key": key} for shop_id, day, key in chunk
        ]).on_conflict_do_nothing().returning(ShopDailyVisitor.shop_id)
        new.update(db.session.scalars(statement).all())
    return new


# --- the embedded mode's in-process buffer -----------------------------------------------


def event_buffer(app):
    """This process's buffer for `app`, created (with its flusher) on first use.

    A forked child (gunicorn --preload) gets a fresh buffer: the parent flushes its own.
    """
    buffer = app.extensions.get(_BUFFER_KEY)
    if buffer is not None and buffer.pid == os.getpid():
        return buffer
    with _buffers_lock:
        buffer = app.extensions.get(_BUFFER_KEY)
        if buffer is None or buffer.pid != os.getpid():
            buffer = EventBuffer(app, app.config.get("ANALYTICS_FLUSH_SECONDS", 1.0))
            app.extensions[_BUFFER_KEY] = buffer
    return buffer


def flush(app):
    """Write what `app`'s buffer holds now (tests, shutdown); returns how many were written."""
    buffer = app.extensions.get(_BUFFER_KEY)
    return buffer.flush() if buffer is not None else 0


def shutdown(app, timeout=5.0):
    """Stop `app`'s flusher thread after a last flush (also run at process exit)."""
    buffer = app.extensions.get(_BUFFER_KEY)
    if buffer is not None:
        buffer.close(timeout)


class EventBuffer:
    """A bounded, thread-safe list of events plus one daemon thread writing them in batches."""

    def __init__(self, app, interval, max_events=BUFFER_MAX_EVENTS, autostart=True):
        self.app = app
        self.pid = os.getpid()
        self.interval = max(0.01, float(1.0 if interval is None else interval))
        self.max_events = max_events
        self._events = deque(maxlen=max_events)
        self._dropped = 0
        self._lock = threading.Lock()  # guards _events, _dropped, _thread
        self._flush_lock = threading.Lock()  # one batch written at a time
        self._wake = threading.Event()
        self._closed = False
        self._autostart = autostart
        self._thread = None
        atexit.register(self.close)

    def __len__(self):
        return len(self._events)

    def add(self, event):
        """Append and return at once; never touches the database."""
        with self._lock:
            if len(self._events) == self.max_events:
                self._dropped += 1  # the deque pushes out the oldest
            self._events.append(event)
            pending = len(self._events)
            if self._thread is None and self._autostart and not self._closed:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                 name="analytics-flusher")
                self._thread.start()
        if pending >= self.max_events // 2 and self._thread is not None:
            self._wake.set()  # falling behind: write now rather than at the next tick

    def _take(self):
        with self._lock:
            batch, self._events = list(self._events), deque(maxlen=self.max_events)
            dropped, self._dropped = self._dropped, 0
        return batch, dropped

    def flush(self):
        """Write everything buffered in one transaction; log and drop the batch on failure."""
        with self._flush_lock:
            batch, dropped = self._take()
            if dropped:
                log.warning("analytics buffer full: %d oldest events dropped", dropped)
            if not batch:
                return 0
            with self.app.app_context():
                try:
                    if jobs.is_async:
                        # One job per batch: a page view costs the page nothing in Redis.
                        jobs.enqueue("workers.analytics.store_events", batch, queue="default")
                        return len(batch)
                    return write_batch(batch)
                except Exception:
                    db.session.rollback()
                    log.exception("analytics batch of %d events dropped", len(batch))
                    return 0
                finally:
                    db.session.remove()

    def _run(self):
        while not self._closed:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the flusher must outlive any one bad batch
                log.exception("analytics flusher error")

    def close(self, timeout=5.0):
        """Stop the thread and write what is left (best-effort; at exit too)."""
        if self._closed and not self._events:
            return
        self._closed = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        if self._events and os.getpid() == self.pid:
            try:
                self.flush()
            except Exception:
                log.exception("analytics events lost at exit")


def write_batch(batch):
    """store_events for the whole batch; if one row breaks a constraint (a product purged
    since it was viewed), retry event by event so only the bad ones are lost."""
    try:
        store_events(batch)
        return len(batch)
    except IntegrityError:
        db.session.rollback()
        if len(batch) == 1:
            raise
    written = 0
    for event in batch:
        try:
            store_events([event])
            written += 1
        except Exception:
            db.session.rollback()
    if written < len(batch):
        log.warning("analytics: %d of %d events rejected by the database and dropped",
                    len(batch) - written, len(batch))
    return written
