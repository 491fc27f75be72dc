"""Assemble the core from settings: content, database (upgraded, key checked), coach."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.content.bundle import load_content
from bot.core.service import Coach
from bot.store import crypto
from bot.store.database import Database
from bot.store.migrate import check_data_key, upgrade


def configure_data_key(settings: Settings) -> None:
    """Install the encryption keys: MEND_DATA_KEY, else the key file in the data folder."""
    setting = settings.mend_data_key.get_secret_value() if settings.mend_data_key else None
    crypto.use_keys(crypto.keys_from(setting, settings.mend_data_dir))


async def ready_database(settings: Settings) -> Database:
    """The database, upgraded in place, with the data key proven to open it."""
    configure_data_key(settings)
    database = Database(settings.async_database_url)
    try:
        await upgrade(database)
        await check_data_key(database)
    except BaseException:
        await database.dispose()
        raise
    return database


@asynccontextmanager
async def open_coach(settings: Settings) -> AsyncIterator[Coach]:
    """A ready coach, disposed of on exit."""
    content = load_content(settings.mend_content_dir)
    database = await ready_database(settings)
    try:
        yield Coach(content, database)
    finally:
        await database.dispose()
