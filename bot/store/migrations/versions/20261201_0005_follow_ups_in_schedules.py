"""follow-ups become schedule rows for the dispatcher

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 17:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOLLOW_UP = 'followup'
users = sa.table(
    'users',
    sa.column('id', sa.Integer),
    sa.column('follow_up_at', sa.DateTime(timezone=True)),
    sa.column('reachable', sa.Boolean),
)
schedules = sa.table(
    'checkin_schedules',
    sa.column('user_id', sa.Integer),
    sa.column('cadence', sa.String),
    sa.column('due_at', sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    # Follow-ups already asked for go out through the dispatcher like every check-in.
    waiting = sa.select(users.c.id, sa.literal(FOLLOW_UP), users.c.follow_up_at).where(
        users.c.follow_up_at.is_not(None), users.c.reachable == sa.true()
    )
    op.execute(schedules.insert().from_select(['user_id', 'cadence', 'due_at'], waiting))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_follow_up_at'))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_follow_up_at'), ['follow_up_at'], unique=False)
    op.execute(schedules.delete().where(schedules.c.cadence == FOLLOW_UP))
