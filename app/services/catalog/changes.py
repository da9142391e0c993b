"""What shoppers see changed: the one place that says so, for every cached view of the catalogue.

Every cached storefront view is keyed by the catalogue's generation, a random value in the
shared cache. A commit that wrote any table shoppers see (SHOWN_TABLES: products, variants
and their stock, prices, images, events, shops, reviews, categories) turns it, so every
worker's next request reads afresh. Nothing has to remember to call anything: the session
notices such writes itself, through the ORM (flushes) and through update/insert/delete
statements run on the session. A write made some other way calls announce().

The generation turns after the commit, and a reader takes it before reading the catalogue:
a view is then never stored under a generation that is older than the data it shows. A new
value per change (not a counter) means two workers announcing at once cannot merge into one
turn. If the value is lost (evicted, or the cache restarted) the next reader makes a new one,
which is only a miss.
"""
import bisect
import hashlib
import uuid

from flask import g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app import caching
from app.extensions import db
from app.models.base import utcnow
from app.models.catalog import Event

GENERATION_KEY = "catalog-generation"
SHOWN_TABLES = frozenset({
    "categories", "products", "product_images", "product_variants", "events",
    "event_products", "reviews", "shops", "shop_settings", "shop_followers", "site_config",
})
_PENDING = "catalog_changed"


def generation():
    """The catalogue's generation for this request (read once, before any catalogue row)."""
    if has_app_context() and "catalog_generation" in g:
        return g.catalog_generation
    value = caching.get(GENERATION_KEY) if caching.enabled() else None
    if value is None:
        value = uuid.uuid4().hex
        if caching.enabled():
            caching.set(GENERATION_KEY, value, timeout=0)
    if has_app_context():
        g.catalog_generation = value
    return value


def version(now=None):
    """What a cached view of the catalogue is keyed by: the generation, and the next moment an
    event starts or ends (prices change then, with no write to announce it)."""
    current = generation()
    boundaries = cached("event-boundaries", (), _event_boundaries)
    now = now or utcnow()
    at = bisect.bisect_right(boundaries, now)
    return current, boundaries[at] if at < len(boundaries) else None


def cached(name, parts, compute, timeout=None):
    """compute()'s value, kept in the cache layer under `name` and `parts` (a repr-able key of
    its inputs) for this generation of the catalogue; computed every time with caching off.
    Values come back unpickled, so callers may keep or change them."""
    if not caching.enabled():
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"catalog:{generation()}:{name}:{digest}"
    found = caching.get(key)  # (value,): a stored None is an answer too
    if found is None:
        found = (compute(),)
        caching.set(key, found, timeout)
    return found[0]


def _event_boundaries():
    """Every future start and end of an event (and those of live events), sorted. Within one
    generation no event is added or moved, so the next boundary after any moment is in here."""
    rows = db.session.execute(select(Event.starts_at, Event.ends_at)
                              .where(Event.ends_at > utcnow())).all()
    return sorted({moment for row in rows for moment in row})


def announce(session=None):
    """Say that what shoppers see changed: the generation turns when `session` (default:
    the app's) commits, or at once when no transaction is open."""
    if session is None:
        session = db.session()
    if session.in_transaction():
        session.info[_PENDING] = True
    else:
        _turn()


def _turn():
    if has_app_context():
        g.pop("catalog_generation", None)
        if caching.enabled():
            caching.set(GENERATION_KEY, uuid.uuid4().hex, timeout=0)


def _shown(obj):
    table = getattr(obj, "__table__", None)
    return table is not None and table.name in SHOWN_TABLES


@event.listens_for(Session, "after_flush")
def _notice_flush(session, flush_context):
    if session.info.get(_PENDING):
        return
    changed = (*session.new, *session.deleted,
               *(obj for obj in session.dirty if session.is_modified(obj)))
    if any(_shown(obj) for obj in changed):
        session.info[_PENDING] = True


@event.listens_for(Session, "do_orm_execute")
def _notice_statement(state):
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in SHOWN_TABLES:
            state.session.info[_PENDING] = True


# Both also fire for savepoints: only the outermost transaction's end counts (a released
# savepoint is not yet visible to other connections; a rolled-back one leaves the writes the
# transaction made before it).
@event.listens_for(Session, "after_commit")
def _announce_commit(session):
    if not session.in_nested_transaction() and session.info.pop(_PENDING, False):
        _turn()


@event.listens_for(Session, "after_rollback")
def _forget_rollback(session):
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)
