"""The SQLite-only change counter of 0007 goes: the application announces its own changes.

Every commit that writes what shoppers see now turns the catalogue's generation in the cache
layer (app/services/catalog/changes.py), on SQLite and PostgreSQL alike, so the triggers and
their counter row have nothing left to do.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 20:00:00

"""

import importlib.util
from pathlib import Path

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The triggers 0007 created, by name.
TRIGGERS = [
    "products_added", "products_removed", "products_changed", "shops_removed", "shops_changed",
    "images_added", "images_removed", "images_changed", "variants_added", "variants_removed",
    "variants_changed", "events_added", "events_removed", "events_changed",
    "event_products_added", "event_products_removed", "event_products_changed",
]


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS catalog_{name}")
    op.execute("DROP TABLE IF EXISTS catalog_changes")


def downgrade():
    """Back to 0009, whose code reads the counter: 0007 creates it again."""
    spec = importlib.util.spec_from_file_location(
        "catalog_changes_0007", Path(__file__).with_name("0007_catalog_changes.py"))
    counter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(counter)
    counter.upgrade()
