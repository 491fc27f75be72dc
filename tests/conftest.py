"""Shared fixtures: content, databases (SQLite and PostgreSQL), the fake Telegram and the bot."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlmodel import SQLModel

from bot.config import PROJECT_ROOT, Settings, async_database_url
from bot.content.bundle import Content, load_content
from bot.store import crypto
from bot.store.database import Database
from bot.store.migrate import upgrade
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import TelegramHarness, start_bot

POSTGRES_SERVER = os.environ.get(
    "MEND_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("MEND_REQUIRE_POSTGRES") == "1"


@pytest.fixture(autouse=True, scope="session")
def data_key() -> str:
    """Tests that use the store directly encrypt with this key (the bot installs its own)."""
    key = Fernet.generate_key().decode()
    crypto.use_keys([key])
    return key


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(PROJECT_ROOT)


async def _create_database(server_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(server_url, timeout=5)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_database(server_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(server_url, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    name = f"mend_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_create_database(POSTGRES_SERVER, name))
    except Exception as exc:
        message = f"PostgreSQL not reachable at {POSTGRES_SERVER}: {type(exc).__name__}: {exc}"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    base = POSTGRES_SERVER.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    asyncio.run(_drop_database(POSTGRES_SERVER, name))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A plain database URL, as a user would set DATABASE_URL: SQLite file or PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mend.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'mend.db'}"


async def drop_everything(database: Database) -> None:
    """Remove every table, as on a database Mend has never seen (SQLite files start fresh)."""
    if database.is_sqlite:
        return
    names = ", ".join([*(t.name for t in SQLModel.metadata.sorted_tables), "alembic_version"])
    async with database.engine.begin() as connection:
        await connection.execute(text(f"DROP TABLE IF EXISTS {names} CASCADE"))


async def empty_schema(database: Database) -> None:
    """Upgrade to the newest schema and remove every row (PostgreSQL is shared per session)."""
    await upgrade(database)
    if not database.is_sqlite:
        names = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
        async with database.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(async_database_url(database_url))
    await empty_schema(db)
    yield db
    await db.dispose()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


def bot_settings(
    fake: FakeTelegram, database_url: str, data_dir: Path, **overrides: object
) -> Settings:
    """A bot on the fake: no per-chat pace and a high overall rate, unless overridden."""
    values: dict[str, object] = {
        "telegram_bot_token": fake.token,
        "telegram_api_url": fake.url,
        "database_url": database_url,
        "mend_data_dir": data_dir,
        "mend_send_rate": 1000,
        "mend_chat_rate": 0,
        **overrides,
    }
    return Settings(**values, _env_file=None)  # type: ignore[arg-type]


@pytest.fixture
async def telegram(
    fake: FakeTelegram, sqlite_url: str, tmp_path: Path
) -> AsyncIterator[TelegramHarness]:
    """The real Application on SQLite, polling the fake Bot API."""
    async with start_bot(fake, bot_settings(fake, sqlite_url, tmp_path)) as harness:
        yield harness


@pytest.fixture
async def clean_database_url(database_url: str) -> str:
    """A database URL whose schema is current and empty (PostgreSQL is shared per session)."""
    if not database_url.startswith("sqlite"):
        db = Database(async_database_url(database_url))
        await empty_schema(db)
        await db.dispose()
    return database_url


@pytest.fixture
async def telegram_any_db(
    fake: FakeTelegram, clean_database_url: str, tmp_path: Path
) -> AsyncIterator[TelegramHarness]:
    """The real Application on SQLite and on PostgreSQL."""
    async with start_bot(fake, bot_settings(fake, clean_database_url, tmp_path)) as harness:
        yield harness
