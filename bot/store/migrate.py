"""Bring a database's schema to the newest migration, in place."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.store import crypto
from bot.store.database import Database
from bot.store.models import Meta

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: two instances starting together on PostgreSQL take turns upgrading.
UPGRADE_LOCK_ID = 0x6D656E64
KEY_CHECK = "data_key_check"


def alembic_config() -> Config:
    """An Alembic config that needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    """Apply every pending migration in one transaction."""
    async with database.engine.begin() as connection:
        if not database.is_sqlite:
            await connection.execute(text(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK_ID})"))
        await connection.run_sync(_upgrade, revision)


async def current_revision(database: Database) -> str | None:
    """The revision the database is at, or None when it has no schema yet."""
    async with database.engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def head_revision() -> str | None:
    """The newest migration shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def check_data_key(database: Database) -> None:
    """Prove the configured key opens this database, or fail with a clear DataKeyError."""
    async with database.transaction() as session:
        row = await session.get(Meta, KEY_CHECK)
        if row is None:
            session.add(Meta(key=KEY_CHECK, value=crypto.CANARY))
        elif row.value != crypto.CANARY:
            raise crypto.DataKeyError("the data key check failed")


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
