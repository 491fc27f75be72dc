"""Alembic environment: on a connection from `bot.store.migrate`, or on DATABASE_URL."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import bot.store.models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata


def _render_item(kind: str, obj: Any, _context: Any) -> str | Literal[False]:
    """Write our TypeDecorators as their plain SQL type, so migrations never import app code."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_settings() -> None:
    from bot.config import load_settings
    from bot.store import crypto
    from bot.store.database import Database

    settings = load_settings()
    key = settings.mend_data_key.get_secret_value() if settings.mend_data_key else None
    crypto.use_keys(crypto.keys_from(key, settings.mend_data_dir))
    database = Database(settings.async_database_url)
    try:
        async with database.engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await database.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run `mend db upgrade`.")

handed_in = context.config.attributes.get("connection")
if handed_in is not None:
    _run(handed_in)
else:
    asyncio.run(_run_from_settings())
