"""Product search (SQLite FTS5 or PostgreSQL tsvector) and the storefront listing indexes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:10:00.000000

SQLite: `products_fts` is a contentless FTS5 index (title, tags, brand, description text),
kept in sync with `products` by three triggers. Contentless rather than content='products':
the indexed description is the HTML-stripped text, which is no column of products, and a view
as the content table would break every later batch migration of products (SQLite refuses to
rename a table a view refers to). The triggers call bazaar_strip_html(), which the app
registers on every SQLite connection (app/services/catalog/search.py).
A later batch migration that recreates `products` on SQLite (drop or alter a column) drops
these triggers with the old table: it must run the three CREATE TRIGGER of `_create_sqlite()` again.

PostgreSQL: a stored generated tsvector column with a GIN index, built with the text search
configuration `bazaar_search`: english stemming, plus accent folding when the unaccent
extension can be installed (it ships with PostgreSQL's contrib; otherwise plain english).
"""

import sqlalchemy as sa
from alembic import op

from app.services.catalog.search import register_sqlite_functions

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# What a buyer pays before variant overrides; the listing filters and sorts on this exact
# expression (app/services/listing_query.py), which is what lets both databases use the index.
EFFECTIVE_PRICE = (
    "(CASE WHEN (sale_price_cents IS NOT NULL AND sale_price_cents < regular_price_cents) "
    "THEN sale_price_cents ELSE regular_price_cents END)"
)

# (name, table, columns): the leading (status, deleted_at) pair is the visible_products()
# filter, the rest is a sort order, so a page is an index walk that stops after 24 rows.
LISTING_INDEXES = (
    ("ix_products_listing_newest", "products", ["status", "deleted_at", "created_at"]),
    ("ix_products_listing_price", "products", ["status", "deleted_at", EFFECTIVE_PRICE]),
    ("ix_products_listing_rating", "products",
     ["status", "deleted_at", "rating_avg", "rating_count"]),
    ("ix_products_listing_popular", "products", ["status", "deleted_at", "sold_count"]),
    # Covers the counts and facet aggregates, so they read this index and not the wide rows.
    ("ix_products_listing_facets", "products",
     ["status", "deleted_at", "shop_id", "category_id", "subcategory_id", "brand",
      "rating_avg", "regular_price_cents", "sale_price_cents"]),
    ("ix_product_variants_color", "product_variants", ["color", "product_id"]),
    ("ix_product_variants_size", "product_variants", ["size", "product_id"]),
)

_SQLITE_ROW = (
    "{p}.title, coalesce({p}.tags, ''), coalesce({p}.brand, ''), "
    "bazaar_strip_html({p}.description_html)"
)
_SQLITE_CHANGED = (
    "old.title IS NOT new.title OR old.tags IS NOT new.tags OR old.brand IS NOT new.brand "
    "OR old.description_html IS NOT new.description_html"
)
_FTS_COLUMNS = "rowid, title, tags, brand, description"

_PG_VECTOR = (
    "setweight(to_tsvector('bazaar_search'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('bazaar_search'::regconfig, coalesce(tags, '')), 'B') || "
    "setweight(to_tsvector('bazaar_search'::regconfig, coalesce(brand, '')), 'C') || "
    "setweight(to_tsvector('bazaar_search'::regconfig, regexp_replace(regexp_replace("
    "coalesce(description_html, ''), '<[^>]*>', ' ', 'g'), '&#?[a-zA-Z0-9]+;', ' ', 'g')), 'D')"
)


def _create_sqlite():
    register_sqlite_functions(op.get_bind().connection.driver_connection)
    op.execute(
        "CREATE VIRTUAL TABLE products_fts USING fts5("
        "title, tags, brand, description, content='', "
        "tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')"
    )
    old, new = _SQLITE_ROW.format(p="old"), _SQLITE_ROW.format(p="new")
    delete = (f"INSERT INTO products_fts(products_fts, {_FTS_COLUMNS}) "
              f"VALUES ('delete', old.id, {old});")
    insert = f"INSERT INTO products_fts({_FTS_COLUMNS}) VALUES (new.id, {new});"
    op.execute(f"CREATE TRIGGER products_fts_ai AFTER INSERT ON products BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER products_fts_ad AFTER DELETE ON products BEGIN {delete} END")
    op.execute(
        "CREATE TRIGGER products_fts_au AFTER UPDATE OF title, tags, brand, description_html "
        f"ON products WHEN {_SQLITE_CHANGED} BEGIN {delete} {insert} END"
    )
    op.execute(f"INSERT INTO products_fts({_FTS_COLUMNS}) "
               f"SELECT id, {_SQLITE_ROW.format(p='products')} FROM products")


def _drop_sqlite():
    for trigger in ("products_fts_au", "products_fts_ad", "products_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS products_fts")


def _unaccent_available(bind):
    if not bind.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'").first():
        return False
    try:
        with bind.begin_nested():  # a refused CREATE EXTENSION must not abort the migration
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        return True
    except sa.exc.DBAPIError:
        return False


def _create_postgresql():
    op.execute("CREATE TEXT SEARCH CONFIGURATION bazaar_search (COPY = english)")
    if _unaccent_available(op.get_bind()):
        op.execute("ALTER TEXT SEARCH CONFIGURATION bazaar_search ALTER MAPPING FOR "
                   "hword, hword_part, word WITH unaccent, english_stem")
    # A generated column fills itself for existing rows, so adding it is the backfill.
    op.execute(f"ALTER TABLE products ADD COLUMN search_vector tsvector "
               f"GENERATED ALWAYS AS ({_PG_VECTOR}) STORED")
    op.execute("CREATE INDEX ix_products_search_vector ON products USING gin (search_vector)")


def _drop_postgresql():
    op.execute("DROP INDEX IF EXISTS ix_products_search_vector")
    op.execute("ALTER TABLE products DROP COLUMN IF EXISTS search_vector")
    # The unaccent extension stays: other schema objects may have come to use it.
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS bazaar_search")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _create_postgresql()
    else:
        _create_sqlite()
    for name, table, columns in LISTING_INDEXES:
        op.create_index(name, table, [sa.text(c) if c.startswith("(") else c for c in columns])


def downgrade():
    for name, table, _columns in reversed(LISTING_INDEXES):
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        _drop_postgresql()
    else:
        _drop_sqlite()
