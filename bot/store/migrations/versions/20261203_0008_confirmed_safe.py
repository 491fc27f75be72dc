"""users remember a "yes, I'm safe" for a while, so the same words are not asked about again

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0007: a batch rebuild of users would cascade on SQLite).
    op.add_column('users', sa.Column('safe_until', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute('ALTER TABLE users DROP COLUMN safe_until')
