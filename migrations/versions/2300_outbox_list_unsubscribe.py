"""the outbox keeps each email's one-click unsubscribe URL

Notification emails carry RFC 8058's List-Unsubscribe header: a signed URL
naming the member and the kind of notification, built when the email is
queued (with the body that shows the same link) and copied into the header
when it is sent. Emails queued before this revision have none and go without.

Revision ID: 2300
Revises: 2200
"""
import sqlalchemy as sa
from alembic import op

revision = "2300"
down_revision = "2200"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("list_unsubscribe", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("email_outbox", schema=None) as batch_op:
        batch_op.drop_column("list_unsubscribe")
