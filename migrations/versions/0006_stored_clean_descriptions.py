"""Products keep their description sanitised once at write time: clean HTML, excerpt, digest.

Existing rows keep NULLs: the page sanitises those when shown (see services/catalog/descriptions.py)
until their description is next written, or `flask catalog sanitise-descriptions` stores them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 17:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


COLUMNS = ("description_clean", "description_excerpt", "description_digest")


# Plain ALTER TABLE, not a batch: a batch that recreates `products` on SQLite would drop the
# search triggers of migration 0003 with the old table.
def upgrade():
    op.add_column("products", sa.Column("description_clean", sa.Text(), nullable=True))
    op.add_column("products", sa.Column("description_excerpt", sa.String(length=200),
                                        nullable=True))
    op.add_column("products", sa.Column("description_digest", sa.String(length=32),
                                        nullable=True))


def downgrade():
    for column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE products DROP COLUMN {column}")  # SQLite 3.35+ and PostgreSQL
