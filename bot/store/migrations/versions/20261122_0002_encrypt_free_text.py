"""Encrypt free text at rest; add the meta table that checks the data key.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store import crypto

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column) pairs that hold users' words.
FREE_TEXT = (("flow_runs", "state"), ("statements", "text"))


def _rewrite(transform) -> None:
    bind = op.get_bind()
    for table, column in FREE_TEXT:
        rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table}")).all()
        for row_id, value in rows:
            if value is not None:
                bind.execute(
                    sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                    {"value": transform(value), "id": row_id},
                )


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    _rewrite(crypto.encrypt)


def downgrade() -> None:
    _rewrite(crypto.decrypt)
    op.drop_table("meta")
