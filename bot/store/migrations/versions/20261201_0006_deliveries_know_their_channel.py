"""each queued check-in names the channel that sends it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 19:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('channel', sa.String))
deliveries = sa.table(
    'checkin_deliveries', sa.column('user_id', sa.Integer), sa.column('channel', sa.String)
)


def upgrade() -> None:
    with op.batch_alter_table('checkin_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), nullable=True))
    owner = sa.select(users.c.channel).where(users.c.id == deliveries.c.user_id)
    op.execute(deliveries.update().values(channel=owner.scalar_subquery()))
    with op.batch_alter_table('checkin_deliveries', schema=None) as batch_op:
        batch_op.alter_column('channel', existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_index('ix_deliveries_status_due')
        batch_op.create_index('ix_deliveries_queue', ['status', 'channel', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('checkin_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_queue')
        batch_op.create_index('ix_deliveries_status_due', ['status', 'due_at'], unique=False)
        batch_op.drop_column('channel')
