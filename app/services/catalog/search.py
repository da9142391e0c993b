"""Full-text product search behind one interface: SQLite FTS5 or PostgreSQL tsvector."""
import html
import re
import sqlite3
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db

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


def _fts5_expression(query):
    # Terms hold letters and digits only, so quoting them makes each a plain FTS5 string.
    parts = [f'"{term}"' for term in query.terms]
    if len(query.terms[-1]) >= MIN_PREFIX_CHARS:
        parts[-1] += "*"
    return " AND ".join(parts)  # every word must match


def _tsquery_text(query):
    parts = [f"'{term}'" for term in query.terms]
    if len(query.terms[-1]) >= MIN_PREFIX_CHARS:
        parts[-1] += ":*"
    return " & ".join(parts)


# Plain DB-API cursors: a common word matches thousands of products, and wrapping each row
# in a SQLAlchemy Row cost as much as the search itself.
_FTS5_SCORES = (
    "SELECT rowid, bm25(products_fts, " + ", ".join(map(str, FTS_WEIGHTS)) + ") "
    "FROM products_fts WHERE products_fts MATCH :expression")
_TS_SCORES = (
    f"SELECT id, -ts_rank(search_vector, to_tsquery('{TS_CONFIG}'::regconfig, %(expression)s)) "
    f"FROM products WHERE search_vector @@ to_tsquery('{TS_CONFIG}'::regconfig, %(expression)s)")


def match_scores(query):
    """[(product id, score)] of every product matching `query`, lower scores matching better.

    All matches, hidden products included: the caller intersects them with what may be shown.
    SQLite ranks by bm25 with FTS_WEIGHTS, PostgreSQL by ts_rank (negated).
    """
    if _dialect() == "postgresql":
        statement, expression = _TS_SCORES, _tsquery_text(query)
    else:
        statement, expression = _FTS5_SCORES, _fts5_expression(query)
    cursor = db.session.connection().connection.cursor()  # in the session's transaction
    try:
        cursor.execute(statement, {"expression": expression})
        return cursor.fetchall()
    finally:
        cursor.close()
