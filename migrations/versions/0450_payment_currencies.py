"""payment currencies: providers' ids for the shop's currencies (CoinPayments v2)

Revision ID: 0450
Revises: 0400
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0450'
down_revision = '0400'
branch_labels = None
depends_on = None


def upgrade():
    # The cache of the ids CoinPayments' current platform gives currencies (its
    # currency list), with the admin's switch per currency.
    op.create_table('payment_currencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('ticker', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=128), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_currencies')),
    sa.UniqueConstraint('provider', 'ticker', name='uq_payment_currencies_provider_ticker')
    )


def downgrade():
    op.drop_table('payment_currencies')
