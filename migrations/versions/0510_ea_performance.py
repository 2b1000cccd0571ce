"""EA proof of performance: the report read at upload, and the reports paid for

Revision ID: 0510
Revises: 0500
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0510'
down_revision = '0500'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ea_performance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ea_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('read_error', sa.String(length=500), nullable=True),
    sa.Column('format', sa.String(length=20), nullable=True),
    sa.Column('encoding', sa.String(length=40), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('report_sha256', sa.String(length=64), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('balance_curve', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('checks_passed', sa.Boolean(), nullable=True),
    sa.Column('profit_factor', sa.Numeric(precision=16, scale=4), nullable=True),
    sa.Column('max_drawdown_pct', sa.Numeric(precision=10, scale=4), nullable=True),
    sa.Column('override_reason', sa.String(length=255), nullable=True),
    sa.Column('override_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('report', 'unread', 'typed')", name=op.f('ck_ea_performance_source_known')),
    sa.ForeignKeyConstraint(['ea_id'], ['expert_advisors.id'], name=op.f('fk_ea_performance_ea_id_expert_advisors')),
    sa.ForeignKeyConstraint(['override_by_id'], ['users.id'], name=op.f('fk_ea_performance_override_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ea_performance')),
    sa.UniqueConstraint('ea_id', name=op.f('uq_ea_performance_ea_id'))
    )
    with op.batch_alter_table('ea_performance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ea_performance_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_ea_performance_report_sha256'), ['report_sha256'], unique=False)

    op.create_table('ea_paid_reports',
    sa.Column('key', sa.String(length=72), nullable=False),
    sa.Column('ea_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ea_id'], ['expert_advisors.id'], name=op.f('fk_ea_paid_reports_ea_id_expert_advisors')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_ea_paid_reports')),
    sa.UniqueConstraint('ea_id', name=op.f('uq_ea_paid_reports_ea_id'))
    )

    # EAs uploaded before reports were read: their figures were typed, and a
    # report they carry was never read (verifying them needs an override, as
    # for any unread report). Re-reading stored files is left to a command.
    op.execute(
        "INSERT INTO ea_performance (ea_id, source, figures, balance_curve, warnings, profit_factor, "
        "max_drawdown_pct, created_at) "
        "SELECT id, CASE WHEN report_file_name IS NULL THEN 'typed' ELSE 'unread' END, '{}', '[]', '[]', "
        "profit_factor, max_drawdown_pct, created_at FROM expert_advisors"
    )
    op.execute(
        "UPDATE ea_performance SET read_error = 'Uploaded before reports were machine-read.' "
        "WHERE source = 'unread'"
    )


def downgrade():
    op.drop_table('ea_paid_reports')
    with op.batch_alter_table('ea_performance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ea_performance_report_sha256'))
        batch_op.drop_index(batch_op.f('ix_ea_performance_fingerprint'))

    op.drop_table('ea_performance')
