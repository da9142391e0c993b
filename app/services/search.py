"""Full-text product search behind one interface: SQLite FTS5 or PostgreSQL tsvector."""
import html
import re
import sqlite3
from dataclasses import dataclass

from sqlalchemy import event, func, literal_column, table, text
from sqlalchemy.engine import Engine

from app.extensions import db
from app.models.catalog import Product

MAX_QUERY_CHARS = 200  # more than anyone types; the rest of a pasted essay is ignored
MAX_TERMS = 8
MAX_TERM_CHARS = 40  # longer "words" are noise (hashes, base64), never in a product title
MIN_PREFIX_CHARS = 3  # shorter prefixes expand to much of the vocabulary

# Title counts most, then tags and brand, then the description (same order on both databases).
FTS_WEIGHTS = (10.0, 4.0, 3.0, 1.0)
TS_CONFIG = "bazaar_search"  # english stemming + accent folding (migration 0003)

# Letters and digits only: every FTS5 and tsquery operator, quote and NUL falls away.
_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")

_products_fts = table("products_fts")


def strip_html(value):
    """Text of an HTML fragment, as indexed for search. Frozen: the SQLite triggers delete
    index entries by recomputing it, so changing it needs a migration that rebuilds the index."""
    if not value:
        return ""
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())


@event.listens_for(Engine, "connect")
def _register_sqlite_functions(dbapi_connection, _record):
    # The FTS5 triggers of migration 0003 call this on every write to products.
    if isinstance(dbapi_connection, sqlite3.Connection):
        register_sqlite_functions(dbapi_connection)


def register_sqlite_functions(dbapi_connection):
    dbapi_connection.create_function("bazaar_strip_html", 1, strip_html, deterministic=True)


@dataclass(frozen=True)
class SearchQuery:
    """What was typed, reduced to safe lower-case words; the last one is matched as a prefix."""

    raw: str = ""
    terms: tuple[str, ...] = ()
    shortened: bool = False

    def __bool__(self):
        return bool(self.terms)

    @property
    def text(self):
        return " ".join(self.terms)


def parse_query(raw):
    raw = (raw or "").replace("\x00", "")
    shortened = len(raw) > MAX_QUERY_CHARS
    raw = " ".join(raw[:MAX_QUERY_CHARS].split())
    words = _WORD.findall(raw)
    kept = [w.lower() for w in words if len(w) <= MAX_TERM_CHARS]
    terms = tuple(dict.fromkeys(kept))
    shortened = shortened or len(kept) < len(words) or len(terms) > MAX_TERMS
    return SearchQuery(raw=raw, terms=terms[:MAX_TERMS], shortened=shortened)


def _dialect():
    return db.session.get_bind().dialect.name


def apply_search(stmt, query, match_any=False):
    """Restrict a select of Product to matches; returns (stmt, ORDER BY clauses best first).

    match_any: any word may match instead of all (for "did you mean" suggestions).
    """
    if _dialect() == "postgresql":
        return _apply_postgresql(stmt, query, match_any)
    return _apply_sqlite(stmt, query, match_any)


def _apply_sqlite(stmt, query, match_any):
    # Terms hold letters and digits only, so quoting them makes each a plain FTS5 string.
    parts = [f'"{term}"' for term in query.terms]
    if len(query.terms[-1]) >= MIN_PREFIX_CHARS:
        parts[-1] += "*"
    expression = (" OR " if match_any else " AND ").join(parts)
    fts = literal_column("products_fts")
    # The unary + keeps SQLite from looking the index up by rowid once per product (a full
    # MATCH per row: seconds on 100k products); it must walk the matches and join products.
    stmt = stmt.join(_products_fts, literal_column("+products_fts.rowid") == Product.id).where(
        fts.op("MATCH")(expression))
    # bm25() is lower for better matches.
    return stmt, [func.bm25(fts, *FTS_WEIGHTS), Product.id.desc()]


def _apply_postgresql(stmt, query, match_any):
    parts = [f"'{term}'" for term in query.terms]
    if len(query.terms[-1]) >= MIN_PREFIX_CHARS:
        parts[-1] += ":*"
    tsquery = func.to_tsquery(text(f"'{TS_CONFIG}'::regconfig"),
                              (" | " if match_any else " & ").join(parts))
    vector = literal_column("products.search_vector")
    stmt = stmt.where(vector.op("@@")(tsquery))
    return stmt, [func.ts_rank(vector, tsquery).desc(), Product.id.desc()]
