"""users remember the safety conversation: its family, window, turns and a risk score

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 16:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: on SQLite a batch rebuild drops `users`, and with foreign
    # keys on that would cascade to every row that refers to it.
    op.add_column(
        'users', sa.Column('abuse_disclosed', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column('users', sa.Column('safety_family', sa.String(length=32), nullable=True))
    op.add_column('users', sa.Column('safety_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        'users', sa.Column('safety_turns', sa.Integer(), server_default='0', nullable=False)
    )
    op.add_column(
        'users', sa.Column('safety_asked', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column('users', sa.Column('risk', sa.Float(), server_default='0', nullable=False))
    op.add_column('users', sa.Column('risk_at', sa.DateTime(timezone=True), nullable=True))
    # A harm-from-others flag already set means abuse was disclosed.
    op.execute("UPDATE users SET abuse_disclosed = (safety_flag = 'harm_from_others')"
               " WHERE safety_flag IS NOT NULL")


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), for the same reason as above.
    for column in (
        'risk_at', 'risk', 'safety_asked', 'safety_turns', 'safety_until', 'safety_family', 'abuse_disclosed'
    ):
        op.execute(f'ALTER TABLE users DROP COLUMN {column}')
