"""Assemble the core from settings: content, database (upgraded), coach."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.content.bundle import load_content
from bot.core.service import Coach
from bot.store.database import Database
from bot.store.migrate import upgrade


@asynccontextmanager
async def open_coach(settings: Settings) -> AsyncIterator[Coach]:
    """A ready coach on an upgraded database, disposed of on exit."""
    content = load_content(settings.mend_content_dir)
    database = Database(settings.async_database_url)
    try:
        await upgrade(database)
        yield Coach(content, database)
    finally:
        await database.dispose()
