"""The engines and sessions, tuned per backend; `run()` is the unit of work."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

T = TypeVar("T")
Work = Callable[[Session], T]

# SQLite work runs on the event loop (see `run`): wait this long for another writer's lock
# inside SQLite, then step aside on the loop and try again, for at most BUSY_PATIENCE seconds.
INLINE_BUSY_MS = 5
BUSY_PATIENCE = 30.0
BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class Database:
    """One database: `run(work)` for units of work, `transaction()` for async sessions."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.inline: Engine | None = None
        if self.is_sqlite:
            _ensure_parent_folder(self.url.database)
            # One connection: SQLite has one writer, and in-process queuing beats lock retries.
            engine_options.setdefault("pool_size", 1)
            engine_options.setdefault("max_overflow", 0)
            self.inline = create_engine(
                self.url.set(drivername="sqlite+pysqlite"), poolclass=StaticPool
            )
            _tune_sqlite(self.inline, busy_ms=INLINE_BUSY_MS)
        else:
            engine_options.setdefault("pool_size", 10)
            engine_options.setdefault("pool_pre_ping", True)
        self.engine: AsyncEngine = create_async_engine(url, **engine_options)
        if self.is_sqlite:
            _tune_sqlite(self.engine.sync_engine, busy_ms=10_000)
        self.sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )
        self._inline_sessions = (
            sessionmaker(self.inline, class_=Session, expire_on_commit=False, autoflush=False)
            if self.inline is not None
            else None
        )

    async def run(self, work: Work[T]) -> T:
        """Run `work(session)` in one transaction, committed when it returns.

        On SQLite it runs right here on the event loop, with no thread hops (a turn's queries
        take well under a millisecond; a thread per query cost more than the queries). If another
        writer holds the lock, `work` is run again once the lock is free, so it must change
        nothing but the database. On PostgreSQL it runs in SQLAlchemy's greenlet over asyncpg.
        """
        if self._inline_sessions is None:
            async with self.sessions() as session, session.begin():
                return await session.run_sync(work)
        give_up = time.monotonic() + BUSY_PATIENCE
        pause = 0.002
        while True:
            try:
                with self._inline_sessions() as session, session.begin():
                    session.connection()  # BEGIN IMMEDIATE: wait for the lock before any work
                    return work(session)
            except OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > give_up:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """An async session whose work is committed on success and rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
        if self.inline is not None:
            self.inline.dispose()


def _is_busy(exc: OperationalError) -> bool:
    return getattr(exc.orig, "sqlite_errorcode", None) in BUSY_CODES


def _ensure_parent_folder(database: str | None) -> None:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _tune_sqlite(engine: Engine, busy_ms: int) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE so that two writers never deadlock."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            f"busy_timeout={busy_ms}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
