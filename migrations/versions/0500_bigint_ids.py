"""64-bit ids for the tables that grow with activity

Revision ID: 0500
Revises: 0450
Create Date: 2026-11-29 10:00:00

Transfers, posts, votes, notifications, forum events, IPN records, admin
actions, earning counters, redemptions, their entitlements and boosters, and
purchases get a row per member action, so their ids (and the columns that
point at them) become BIGINT, and so do their sequences, which PostgreSQL
creates `AS integer` for a SERIAL column. Members, accounts and what admins
or members create one at a time (threads, EAs, orders, rewards, ...) stay
INTEGER. SQLite is left alone: its INTEGER PRIMARY KEY is a 64-bit rowid
already, and a BIGINT primary key would not autoincrement there.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0500"
down_revision = "0450"
branch_labels = None
depends_on = None

# Tables whose own id grows with activity.
IDS = (
    "transfers",
    "forum_posts",
    "forum_votes",
    "notifications",
    "external_events",
    "ipn_records",
    "admin_actions",
    "earning_counters",
    "redemptions",
    "entitlements",
    "personal_boosters",
    "purchases",
)
# Columns that point at one of those ids: (table, column, nullable).
POINTERS = (
    ("transfers", "reverses_id", True),
    ("redemptions", "transfer_id", False),
    ("entitlements", "redemption_id", True),
    ("forum_votes", "post_id", False),
    ("forum_threads", "accepted_post_id", True),
    ("bounties", "awarded_post_id", True),
    ("challenge_entries", "post_id", True),
)


def _columns():
    return [(table, "id", False) for table in IDS] + list(POINTERS)


def _retype(old, new, sequence_type):
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return
    for table, column, nullable in _columns():
        op.alter_column(table, column, type_=new, existing_type=old, existing_nullable=nullable)
    if bind.dialect.name == "postgresql":
        for table in IDS:
            sequence = bind.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})
            op.execute(f"ALTER SEQUENCE {sequence} AS {sequence_type}")


def upgrade():
    _retype(sa.Integer(), sa.BigInteger(), "bigint")


def downgrade():
    # Refused by PostgreSQL once an id has passed 2^31 - 1, as it should be.
    _retype(sa.BigInteger(), sa.Integer(), "integer")
