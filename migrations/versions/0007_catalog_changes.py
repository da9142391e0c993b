"""SQLite counts the changes to what the catalogue snapshot and product cards read.

Each page worker keeps a snapshot of the visible catalogue (services/catalog/listing/index.py) and
renewed it on every LISTING_CACHE_SECONDS, about a second of CPU per worker at 100k products,
whether or not anything had changed; and every page read its product cards afresh. Triggers
now bump a single counter on every change to a column either reads: products' listing and
card columns, shops' visibility and name, first images, variants' colour, size and whether
they are in stock, events and their products. So a worker renews its snapshot, and reads
cards again, only after a change (services/catalog/cards.py). On SQLite only: it has one
writer at a time anyway, so the counter row adds no waiting; on PostgreSQL every catalogue
write would queue on that one row, and the snapshot is rebuilt on its timer as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 19:55:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


BUMP = "UPDATE catalog_changes SET version = version + 1 WHERE id = 1;"
PRODUCT_COLUMNS = ("shop_id, category_id, subcategory_id, regular_price_cents, sale_price_cents, "
                   "brand, rating_avg, rating_count, sold_count, status, deleted_at, created_at, "
                   "slug, title, currency")
# (trigger name, when, table, condition or None)
TRIGGERS = [
    ("products_added", "AFTER INSERT", "products", None),
    ("products_removed", "AFTER DELETE", "products", None),
    ("products_changed", f"AFTER UPDATE OF {PRODUCT_COLUMNS}", "products", None),
    ("shops_removed", "AFTER DELETE", "shops", None),
    ("shops_changed", "AFTER UPDATE OF status, deleted_at, name", "shops", None),
    ("images_added", "AFTER INSERT", "product_images", None),
    ("images_removed", "AFTER DELETE", "product_images", None),
    ("images_changed", "AFTER UPDATE OF product_id, url, position", "product_images", None),
    ("variants_added", "AFTER INSERT", "product_variants", None),
    ("variants_removed", "AFTER DELETE", "product_variants", None),
    # Stock counts only where it starts or stops being in stock: a sale of one of five
    # changes nothing the snapshot holds.
    ("variants_changed", "AFTER UPDATE OF product_id, color, size, stock", "product_variants",
     "OLD.product_id IS NOT NEW.product_id OR OLD.color IS NOT NEW.color "
     "OR OLD.size IS NOT NEW.size OR (OLD.stock > 0) IS NOT (NEW.stock > 0)"),
    ("events_added", "AFTER INSERT", "events", None),
    ("events_removed", "AFTER DELETE", "events", None),
    ("events_changed", "AFTER UPDATE OF shop_id, starts_at, ends_at", "events", None),
    ("event_products_added", "AFTER INSERT", "event_products", None),
    ("event_products_removed", "AFTER DELETE", "event_products", None),
    ("event_products_changed", "AFTER UPDATE", "event_products", None),
]


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE catalog_changes (id INTEGER PRIMARY KEY CHECK (id = 1), "
               "version INTEGER NOT NULL)")
    op.execute("INSERT INTO catalog_changes (id, version) VALUES (1, 0)")
    for name, when, table, condition in TRIGGERS:
        where = f" WHEN {condition}" if condition else ""
        op.execute(f"CREATE TRIGGER catalog_{name} {when} ON {table} FOR EACH ROW{where} "
                   f"BEGIN {BUMP} END")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, *_ in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS catalog_{name}")
    op.execute("DROP TABLE catalog_changes")
