"""member login sessions (logout ends the session and remember-me cookies)

Revision ID: 0550
Revises: 0510
"""
import sqlalchemy as sa
from alembic import op

revision = "0550"
down_revision = "0510"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_sessions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_member_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_member_sessions_token_hash")),
    )
    with op.batch_alter_table("member_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_sessions_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("member_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_sessions_user_id"))
    op.drop_table("member_sessions")
