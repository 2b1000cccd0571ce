"""email preferences by kind of notification; HTML and Message-ID in the outbox

Members choose which kinds of notification also come by email (no row: the
kind's default, goldcoin/notifications/preferences.py). Outbox emails carry an
HTML part and a Message-ID chosen when queued (the same on every retry).

Revision ID: 2200
Revises: 2100
"""
import sqlalchemy as sa
from alembic import op

revision = "2200"
down_revision = "2100"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_email_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_email_preferences")),
    )
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.String(length=255), nullable=True))


def downgrade():
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.drop_column("message_id")
        batch_op.drop_column("html")
    op.drop_table("email_preferences")
