"""The check-in dispatcher at scale: 100,000 users due in the same minute, a rate-limited fake.

Run from the repository root: `python bench/checkins.py [--users 100000 --rate 30 --seconds 60]`.

Each scenario runs in its own process (so its peak RSS is its own) against a fake Bot API in
another process that refuses (429) any send beyond `--rate` in a sliding second, as Telegram may.
The dispatcher sends through Mend's own rate limiter at the same rate. At Telegram's 30 a second,
100,000 check-ins take almost an hour, so by default the dispatcher runs for `--seconds` and
stops cleanly (as on shutdown); `--full` runs until every check-in is out and then checks that
each user got exactly one. A small run (`--small` users) shows what memory costs per user.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)
CHUNK = 2_000  # rows per INSERT: asyncpg takes at most 32,767 parameters
POSTGRES_SERVER = os.environ.get(
    "MEND_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@dataclass
class Outcome:
    """One scenario's figures."""

    label: str
    users: int
    mode: str
    sent: int = 0
    seconds: float = 0.0
    too_many: int = 0
    duplicates: int = 0
    losses: int = 0
    statements: int = 0
    rss_baseline: float = 0.0
    rss_peak: float = 0.0
    error: str = ""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----- the fake Bot API (its own process) -----


def fake_process(conn: Any, rate: float) -> None:
    asyncio.run(_serve_fake(conn, rate))


async def _serve_fake(conn: Any, rate: float) -> None:
    from tests.fake_telegram import FakeTelegram

    fake = FakeTelegram()
    fake.rate_limit = rate
    conn.send((await fake.start(), fake.token))
    await asyncio.to_thread(conn.recv)  # serve until the orchestrator asks for the counts
    received = Counter(chat for chat, _ in fake.messages)
    conn.send({"received": dict(received), "too_many": fake.too_many})
    await fake.stop()


# ----- the dispatcher (one process per scenario) -----


def dispatcher_process(conn: Any, job: dict[str, Any]) -> None:
    try:
        conn.send(asyncio.run(_dispatch(job)))
    except Exception as exc:  # report, don't hang the orchestrator
        conn.send({"error": f"{type(exc).__name__}: {exc}"})


async def _dispatch(job: dict[str, Any]) -> dict[str, Any]:
    from sqlalchemy import event, insert, select
    from telegram.ext import ExtBot

    from bot.checkins.dispatcher import Dispatcher
    from bot.config import async_database_url
    from bot.content.bundle import load_content
    from bot.core.service import Coach
    from bot.store import crypto
    from bot.store.database import Database
    from bot.store.migrate import upgrade
    from bot.store.models import CheckinDelivery, CheckinSchedule, User
    from bot.telegram.dispatch import dispatch
    from bot.telegram.rate_limit import PacedRateLimiter
    from bot.telegram.transport import AiohttpRequest

    crypto.use_keys(crypto.keys_from(None, Path(job["data_dir"])))
    database = Database(async_database_url(job["database_url"]))
    await upgrade(database)
    await _fill(database, job["users"], insert, User, CheckinSchedule)
    coach = Coach(load_content(ROOT), database, clock=lambda: NOW)
    baseline = peak_rss_mb()
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    engine = database.inline or database.engine.sync_engine  # where the dispatcher's SQL runs
    event.listen(engine, "before_cursor_execute", count)
    limiter = PacedRateLimiter(job["rate"], 1.0)
    deadline = time.monotonic() + job["seconds"] if job["seconds"] else None
    began = time.monotonic()
    request = AiohttpRequest(pool_size=64)  # as Mend sends
    base_url = f"{job['url']}/bot"
    async with ExtBot(job["token"], base_url, request=request, rate_limiter=limiter) as bot:
        report = await dispatch(
            bot,
            coach,
            Dispatcher(database, "telegram", timedelta(hours=2)),
            keep_going=lambda: deadline is None or time.monotonic() < deadline,
        )
    seconds = time.monotonic() - began
    event.remove(engine, "before_cursor_execute", count)
    async with database.transaction() as session:
        rows = (
            await session.exec(
                select(CheckinDelivery.status, User.external_id).join(
                    User, User.id == CheckinDelivery.user_id
                )
            )
        ).all()
    await database.dispose()
    return {
        "sent": report.sent,
        "seconds": seconds,
        "statements": statements,
        "sent_chats": [int(chat) for status, chat in rows if status == "sent"],
        "stuck": sum(1 for status, _ in rows if status == "sending"),
        "rss_baseline": baseline,
        "rss_peak": peak_rss_mb(),
    }


async def _fill(database: Any, users: int, insert: Any, user: Any, schedule: Any) -> None:
    """Users with a daily check-in at 09:00 UTC, all due within the same minute."""
    due = NOW - timedelta(seconds=20)
    for start in range(0, users, CHUNK):
        count = min(CHUNK, users - start)
        async with database.transaction() as session:
            rows = [
                {
                    "channel": "telegram",
                    "external_id": str(100_000 + n),
                    "checkin_zone": "UTC",
                    "checkin_time": "09:00",
                    "daily_on": True,
                    "message_marks": [],
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n in range(start, start + count)
            ]
            ids = (await session.exec(insert(user).values(rows).returning(user.id))).all()
            await session.exec(
                insert(schedule).values(
                    [{"user_id": i[0], "cadence": "daily", "due_at": due} for i in ids]
                )
            )


# ----- orchestration -----


def run_scenario(label: str, database_url: str, users: int, options: argparse.Namespace) -> Outcome:
    context = multiprocessing.get_context("spawn")
    fake_conn, fake_end = context.Pipe()
    fake = context.Process(target=fake_process, args=(fake_end, options.rate), daemon=True)
    fake.start()
    url, token = fake_conn.recv()
    mode = "until done" if options.full else f"{options.seconds:g} s"
    outcome = Outcome(label, users, mode)
    with tempfile.TemporaryDirectory() as data_dir:
        job = {
            "database_url": database_url,
            "users": users,
            "rate": options.rate,
            "seconds": 0 if options.full else options.seconds,
            "url": url,
            "token": token,
            "data_dir": data_dir,
        }
        conn, theirs = context.Pipe()
        worker = context.Process(target=dispatcher_process, args=(theirs, job))
        worker.start()
        result = conn.recv()
        worker.join()
    fake_conn.send("stop")
    counts = fake_conn.recv()
    fake.join()
    if "error" in result:
        outcome.error = result["error"]
        return outcome
    received: dict[int, int] = counts["received"]
    outcome.sent = result["sent"]
    outcome.seconds = result["seconds"]
    outcome.too_many = counts["too_many"]
    outcome.duplicates = sum(1 for n in received.values() if n > 1)
    expected = set(range(100_000, 100_000 + users)) if options.full else set(result["sent_chats"])
    outcome.losses = len(expected - set(received)) + result["stuck"]
    outcome.statements = result["statements"]
    outcome.rss_baseline = result["rss_baseline"]
    outcome.rss_peak = result["rss_peak"]
    return outcome


def postgres_url(server: str) -> tuple[str, str]:
    """A fresh database on the server (created with asyncpg); returns (url, name)."""
    import asyncpg

    name = f"mend_bench_{uuid.uuid4().hex[:10]}"

    async def create() -> None:
        connection = await asyncpg.connect(server.replace("postgresql://", "postgres://"))
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    asyncio.run(create())
    return f"{server.rsplit('/', 1)[0]}/{name}", name


def drop_postgres(server: str, name: str) -> None:
    import asyncpg

    async def drop() -> None:
        connection = await asyncpg.connect(server.replace("postgresql://", "postgres://"))
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    asyncio.run(drop())


def scenarios(options: argparse.Namespace) -> list[Outcome]:
    outcomes = []
    for kind in options.databases.split(","):
        for users in (options.small, options.users):
            label = f"{'SQLite' if kind == 'sqlite' else 'PostgreSQL'}, {users:,} users"
            print(f"  {label} ...", end="", flush=True)
            if kind == "sqlite":
                with tempfile.TemporaryDirectory() as folder:
                    url = f"sqlite:///{folder}/bench.db"
                    outcome = run_scenario(label, url, users, options)
            else:
                url, name = postgres_url(options.postgres)
                try:
                    outcome = run_scenario(label, url, users, options)
                finally:
                    drop_postgres(options.postgres, name)
            print(
                " failed" if outcome.error else f" {outcome.sent} sent in {outcome.seconds:.1f} s"
            )
            outcomes.append(outcome)
    return outcomes


def report(outcomes: list[Outcome], options: argparse.Namespace) -> None:
    header = (
        f"{'scenario':<28}{'mode':>12}{'sent':>8}{'rate/s':>8}{'of limit':>10}{'429s':>6}"
        f"{'dupes':>7}{'losses':>8}{'DB trips':>10}{'RSS base':>10}{'RSS peak':>10}"
    )
    print()
    print(header)
    for o in outcomes:
        if o.error:
            print(f"{o.label:<28} FAILED: {o.error}")
            continue
        rate = o.sent / o.seconds if o.seconds else 0.0
        trips = o.statements / o.sent if o.sent else float("nan")
        print(
            f"{o.label:<28}{o.mode:>12}{o.sent:>8}{rate:>8.1f}{rate / options.rate:>10.0%}"
            f"{o.too_many:>6}{o.duplicates:>7}{o.losses:>8}{trips:>10.2f}"
            f"{o.rss_baseline:>9.0f}M{o.rss_peak:>9.0f}M"
        )
    print(
        "\nrate/s: check-ins sent / dispatch seconds; of limit: against --rate; 429s: refusals by"
        "\nthe fake; dupes: chats that got more than one; losses: check-ins recorded as sent (or"
        "\nall users, with --full) that never arrived, plus any left in flight; DB trips: SQL"
        "\nstatements per check-in sent; RSS: the dispatcher process, after filling and at peak."
    )
    for kind in ("SQLite", "PostgreSQL"):
        pair = [o for o in outcomes if o.label.startswith(kind) and not o.error]
        if len(pair) == 2:
            small, big = pair
            print(
                f"{kind}: dispatching added {small.rss_peak - small.rss_baseline:+.0f} MB of RSS"
                f" for {small.users} users and {big.rss_peak - big.rss_baseline:+.0f} MB for"
                f" {big.users:,} (peaks {small.rss_peak:.0f} and {big.rss_peak:.0f} MB; the"
                " difference in baseline is the bench's own bulk fill)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--rate", type=float, default=30.0, help="messages a second (fake and bot)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--full", action="store_true", help="run until every check-in is out")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres", default=POSTGRES_SERVER)
    options = parser.parse_args()
    print(
        f"Check-in dispatch: {options.users:,} users due in the same minute (and {options.small}),"
        f" limit {options.rate:g}/s overall and 1/s per chat, {os.cpu_count()} CPUs"
    )
    report(scenarios(options), options)


if __name__ == "__main__":
    main()
