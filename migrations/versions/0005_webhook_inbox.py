"""The webhook inbox: verified events stored on receipt and processed in batches.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 17:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PENDING = sa.text("processed_at IS NULL")


def upgrade():
    op.create_table(
        "webhook_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.Enum("stripe", "offline", name="paymentprovider",
                                      native_enum=False, length=24), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_inbox")),
        sa.UniqueConstraint("provider", "event_id", name=op.f("uq_webhook_inbox_provider")),
    )
    op.create_index("ix_webhook_inbox_pending", "webhook_inbox", ["due_at", "id"], unique=False,
                    postgresql_where=PENDING, sqlite_where=PENDING)


def downgrade():
    op.drop_index("ix_webhook_inbox_pending", table_name="webhook_inbox",
                  postgresql_where=PENDING, sqlite_where=PENDING)
    op.drop_table("webhook_inbox")
