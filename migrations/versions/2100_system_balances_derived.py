"""system accounts' balances are derived from their transfers, no longer stored

Every award posts from `mint` and every redemption to `sink`: updating their
stored balance per transfer made those rows the one lock all earning (and all
redeeming) queued on. From here on the ledger never updates a system
account's row, and its balance is credits minus debits (docs/ledger.md). The
stored figure is set to 0 so that nobody reads a stale one.

Revision ID: 2100
Revises: 2000
"""
from alembic import op

revision = "2100"
down_revision = "2000"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE accounts SET balance = 0 WHERE kind = 'system'")


def downgrade():
    # The code before this revision updates the stored figure: give it back the true one.
    op.execute(
        "UPDATE accounts SET balance ="
        " (SELECT COALESCE(SUM(amount), 0) FROM transfers WHERE to_account_id = accounts.id)"
        " - (SELECT COALESCE(SUM(amount), 0) FROM transfers WHERE from_account_id = accounts.id)"
        " WHERE kind = 'system'"
    )
