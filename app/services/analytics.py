"""Engagement analytics: append-only events plus counters kept current for dashboards.

Recording must never slow or break a page: with Redis it is a job, inline it is wrapped so
that a failure is logged and forgotten.
"""
import logging

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite

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
from app.services.user_agents import parse_user_agent

log = logging.getLogger(__name__)

# Which counter column each kind of event bumps.
_USER_COLUMNS = {
    AnalyticsKind.PRODUCT_VIEW: "views", AnalyticsKind.ADD_TO_CART: "carts",
    AnalyticsKind.ADD_TO_WISHLIST: "wishlists", AnalyticsKind.PURCHASE: "purchases",
}
_PRODUCT_COLUMNS = _USER_COLUMNS


def record(kind, *, user_id=None, visitor_key=None, product_id=None, shop_id=None, quantity=1,
           amount_cents=0, user_agent=None, country=None):
    """Record one event (as a job when Redis is configured). Never raises."""
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
        if jobs.is_async:
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
    kind = AnalyticsKind(event["kind"])
    device, browser, os_name = parse_user_agent(event.get("user_agent"))
    db.session.execute(insert(AnalyticsEvent).values(
        kind=kind, user_id=event.get("user_id"), session_key=event.get("visitor_key"),
        product_id=event.get("product_id"), shop_id=event.get("shop_id"), device_type=device,
        browser=browser, os=os_name, country=event.get("country"),
        quantity=event.get("quantity", 1), amount_cents=event.get("amount_cents", 0),
        created_at=utcnow(),
    ))
    quantity, amount = event.get("quantity", 1), event.get("amount_cents", 0)
    # Purchases count units bought; every other kind counts occurrences.
    step = quantity if kind == AnalyticsKind.PURCHASE else 1
    if event.get("user_id") and kind in _USER_COLUMNS:
        _bump(UserCounter, "user_id", event["user_id"], {_USER_COLUMNS[kind]: step})
    if event.get("product_id") and kind in _PRODUCT_COLUMNS:
        changes = {_PRODUCT_COLUMNS[kind]: step}
        if kind == AnalyticsKind.PURCHASE:
            changes["revenue_cents"] = amount
        _bump(ProductCounter, "product_id", event["product_id"], changes)
    if event.get("shop_id") and kind == AnalyticsKind.SHOP_VISIT:
        changes = {"visits": 1}
        if event.get("visitor_key") and _first_visit_today(event["shop_id"], event["visitor_key"]):
            changes["unique_visitors"] = 1
        _bump(ShopCounter, "shop_id", event["shop_id"], changes)
    if event.get("shop_id") and kind == AnalyticsKind.PURCHASE:
        _bump(ShopCounter, "shop_id", event["shop_id"], {"revenue_cents": amount})
    db.session.commit()


def _dialect_insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _bump(model, key, key_value, increments):
    """Atomic `counter = counter + n` upsert: safe with concurrent writers on both databases."""
    table = model.__table__
    statement = _dialect_insert(model).values({key: key_value, **increments,
                                               "updated_at": utcnow()})
    statement = statement.on_conflict_do_update(
        index_elements=[key],
        set_={**{col: table.c[col] + n for col, n in increments.items()},
              "updated_at": utcnow()},
    )
    db.session.execute(statement)


def _first_visit_today(shop_id, visitor_key):
    # RETURNING, not rowcount: through SQLAlchemy 2.1 + psycopg 3 an INSERT ... ON CONFLICT
    # reports rowcount -1, so no visit was ever counted unique on PostgreSQL.
    statement = _dialect_insert(ShopDailyVisitor).values(
        shop_id=shop_id, day=utcnow().date(), visitor_key=visitor_key[:64]
    ).on_conflict_do_nothing().returning(ShopDailyVisitor.shop_id)
    return db.session.execute(statement).first() is not None
