"""Updates per second, latency, CPU and memory of Mend over real python-telegram-bot.

Run from the repository root: `python bench/updates.py [--users 200 --rounds 1]`.

Each scenario uses three processes. This one orchestrates. A child serves the fake Bot API
(tests/fake_telegram.py) and plays the users, each sending its next input only once the bot has
answered the last (closed loop). Another child runs the bot: a bare echo bot, or Mend on SQLite
or PostgreSQL, started as tests/telegram_harness.py:start_bot starts it. So the bot's CPU time
and peak RSS are its own; heavy imports happen only in the child that needs them.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import cProfile
import logging
import multiprocessing
import os
import pstats
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import SpawnContext

    from telegram import Update
    from telegram.ext import Application, ContextTypes

    from bot.config import Settings
    from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

POSTGRES_SERVER = os.environ.get(
    "MEND_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
USER_BASE = 1_000_000  # measured users' Telegram ids start here
WARMUP_BASE = 2_000_000  # warm-up users' ids, never measured
NOTIFY_GROUP = 1_000_000  # a handler group after every real one: "this update is handled"
STEP_TIMEOUT = 120.0  # one update, delivery to fully handled
START_TIMEOUT = 60.0
RUN_TIMEOUT = 900.0
SKIP = "skip"  # no PostgreSQL server to run on
CPU_RATIO_TARGET = 2.0
SQLITE_RATE_TARGET = 300.0

DRAFTS = (
    "You never listen to me and it's all your fault.",
    "I was scared when you didn't come home and didn't call.",
    "Every time you go out I lie awake.",
)
OBSERVATIONS = (
    "you came home at midnight without texting",
    "you left the party without telling me",
    "your phone buzzed late on Friday and you turned it over",
)
FEELINGS = ("hurt", "lonely", "sad")
# The safety screen's one-tap check, and the way back to the exercise after it.
SAFE = "Yes, I'm safe"
CONTINUE = "↩ Continue"
NEEDS = ("to know you are safe", "honesty about where you are", "reassurance")


class Scenario(NamedTuple):
    """A bot to measure: `kind` is "echo", "echo-aiohttp" or "mend"; Mend's database comes with
    the run."""

    key: str
    label: str
    kind: str


SCENARIOS = (
    Scenario("echo", "echo bot", "echo"),
    Scenario("echo-aiohttp", "echo bot, aiohttp", "echo-aiohttp"),
    Scenario("sqlite", "Mend, SQLite", "mend"),
    Scenario("postgres", "Mend, PostgreSQL", "mend"),
)


class Step(NamedTuple):
    """One input of a simulated user: typed text or a command, or a button pressed by label."""

    kind: str  # "text" or "button"
    value: str


def script(user_id: int, rounds: int) -> list[Step]:
    """Onboarding, then `rounds` I-statements saved; wording varies from user to user."""
    pick = user_id % 3
    exercise = [
        Step("text", "/istatement"),
        Step("text", DRAFTS[pick]),
        Step("text", OBSERVATIONS[pick]),
        Step("button", FEELINGS[pick]),
        Step("text", NEEDS[pick]),
        Step("button", "Skip"),
        Step("button", "Save it"),
    ]
    return [Step("text", "/start"), Step("button", "I was hurt"), *exercise * rounds]


def cpu_seconds() -> float:
    """User plus system CPU time of this process so far, all threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values; NaN for none."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


# ----- the fake Bot API and the simulated users (fake process) -----


@dataclass
class Record:
    """One update as the fake saw it: delivered, first answered, fully handled (monotonic s)."""

    chat_id: int
    delivered: float | None = None
    replied: float | None = None
    done: float | None = None


@dataclass
class RunStats:
    """One closed-loop run, measured in the fake process."""

    updates: int
    seconds: float
    reply_ms: tuple[float, float]  # p50, p99 from delivery to the first message sent back
    turn_ms: tuple[float, float]  # p50, p99 from delivery to the update being fully handled
    unanswered: int
    api_calls: int
    fake_cpu: float
    errors: list[str] = field(default_factory=list)
    safety_checks: int = 0  # "are you safe?" asked of a benign message, tapped through


def summarise(
    records: Sequence[Record], seconds: float, api_calls: int, fake_cpu: float, errors: list[str]
) -> RunStats:
    """Percentiles and counts for one run."""
    reply = sorted(
        (r.replied - r.delivered) * 1000
        for r in records
        if r.replied is not None and r.delivered is not None
    )
    turn = sorted(
        (r.done - r.delivered) * 1000
        for r in records
        if r.done is not None and r.delivered is not None
    )
    return RunStats(
        updates=len(records),
        seconds=seconds,
        reply_ms=(percentile(reply, 0.5), percentile(reply, 0.99)),
        turn_ms=(percentile(turn, 0.5), percentile(turn, 0.99)),
        unanswered=sum(r.replied is None for r in records),
        api_calls=api_calls,
        fake_cpu=fake_cpu,
        errors=errors,
    )


class LoadGenerator:
    """Plays Telegram users against a FakeTelegram and times every update they send."""

    def __init__(self, fake: FakeTelegram, done: Connection) -> None:
        self.fake = fake
        self.done = done
        self.records: dict[int, Record] = {}
        self.in_flight: dict[int, int] = {}  # chat id -> the update it awaits an answer to
        self.waiters: dict[int, asyncio.Future[None]] = {}
        self.keyboards: dict[int, dict[str, Any]] = {}  # chat id -> latest message with buttons
        self.safety_checks = 0
        self.last_message: dict[int, dict[str, Any]] = {}
        self._tap_fake()
        asyncio.get_running_loop().add_reader(done.fileno(), self._drain_done)

    def _tap_fake(self) -> None:
        """Hook getUpdates (delivery times) and message storage (replies, keyboards)."""
        get_updates, store_message = self.fake._api_getUpdates, self.fake._store_message

        async def tapped_get_updates(params: dict[str, Any]) -> Any:
            updates = await get_updates(params)
            self._on_delivered(updates)
            return updates

        def tapped_store_message(params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            message = store_message(params, body)
            self._on_reply(message)
            return message

        self.fake._api_getUpdates = tapped_get_updates  # type: ignore[method-assign]
        self.fake._store_message = tapped_store_message  # type: ignore[method-assign]

    def close(self) -> None:
        """Stop listening for completion notices."""
        asyncio.get_running_loop().remove_reader(self.done.fileno())

    def _on_delivered(self, updates: list[dict[str, Any]]) -> None:
        """Stamp the updates a getUpdates response carries (the first time only)."""
        now = time.monotonic()
        for update in updates:
            record = self.records.get(update["update_id"])
            if record is not None and record.delivered is None:
                record.delivered = now

    def _on_reply(self, message: dict[str, Any]) -> None:
        """Note a message the bot sent: its keyboard, and the first answer to the chat's update."""
        chat_id = message["chat"]["id"]
        self.last_message[chat_id] = message
        if message.get("reply_markup"):
            self.keyboards[chat_id] = message
        record = self.records.get(self.in_flight.get(chat_id, 0))
        if record is not None and record.replied is None:
            record.replied = time.monotonic()

    def _drain_done(self) -> None:
        """Completion notices from the bot process: 8-byte update ids."""
        while self.done.poll():
            try:
                update_id = int.from_bytes(self.done.recv_bytes(), "little")
            except EOFError:  # the bot process has exited
                self.close()
                return
            record = self.records.get(update_id)
            if record is not None:
                record.done = time.monotonic()
            waiter = self.waiters.pop(update_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    async def run(self, user_ids: list[int], rounds: int, mode: str) -> RunStats:
        """Every user plays its script concurrently; the stats cover this run only."""
        self.records.clear()
        self.fake.calls.clear()
        self.safety_checks = 0
        began_cpu, began = cpu_seconds(), time.monotonic()
        outcomes = await asyncio.gather(
            *(self._play(uid, script(uid, rounds), mode) for uid in user_ids),
            return_exceptions=True,
        )
        seconds = time.monotonic() - began
        errors = [str(o) for o in outcomes if isinstance(o, BaseException)]
        records = list(self.records.values())
        stats = summarise(records, seconds, len(self.fake.calls), cpu_seconds() - began_cpu, errors)
        return replace(stats, safety_checks=self.safety_checks)

    async def _play(self, user_id: int, steps: list[Step], mode: str) -> None:
        """One user's inputs, each sent once the bot has handled the one before."""
        for number, step in enumerate(steps, 1):
            try:
                await self._send(user_id, self._update_for(user_id, step, mode))
                if step.kind == "text" and self._asked_if_safe(user_id):
                    # A false alarm costs two taps ("I'm safe", back) and the answer again.
                    self.safety_checks += 1
                    await self._send(user_id, self._update_for(user_id, Step("button", SAFE), mode))
                    resume = Step("button", self._label_starting(user_id, CONTINUE))
                    await self._send(user_id, self._update_for(user_id, resume, mode))
                    await self._send(user_id, self._update_for(user_id, step, mode))  # again
            except Exception as exc:
                problem = f"{type(exc).__name__} {exc}".strip()
                raise RuntimeError(f"user {user_id}, step {number} {step}: {problem}") from exc

    async def _send(self, chat_id: int, update: dict[str, Any]) -> None:
        """Push one update and wait until the bot has fully handled it."""
        update_id = self.fake.push(update)
        self.records[update_id] = Record(chat_id)
        self.in_flight[chat_id] = update_id
        waiter = asyncio.get_running_loop().create_future()
        self.waiters[update_id] = waiter
        try:
            await asyncio.wait_for(waiter, STEP_TIMEOUT)
        finally:
            self.waiters.pop(update_id, None)

    def _update_for(self, user_id: int, step: Step, mode: str) -> dict[str, Any]:
        """The Telegram update for one step: a message, or a callback query."""
        user = {"id": user_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}
        if step.kind == "text":
            chat = {"id": user_id, "type": "private", "first_name": "Sam"}
            return self.fake.message_update(user, chat, text=step.value)
        data, message = self._button(user_id, step.value, mode)
        return self.fake.callback_update(user, data, dict(message) if message else None)

    def _labels(self, chat_id: int) -> list[str]:
        message = self.keyboards.get(chat_id) or {}
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]

    def _asked_if_safe(self, chat_id: int) -> bool:
        return SAFE in self._labels(chat_id)

    def _label_starting(self, chat_id: int, prefix: str) -> str:
        return next((label for label in self._labels(chat_id) if label.startswith(prefix)), prefix)

    def _button(self, chat_id: int, label: str, mode: str) -> tuple[str, dict[str, Any] | None]:
        """The data of the button with this label on the bot's latest keyboard in the chat."""
        if mode.startswith("echo"):  # the echo bot sends no keyboards: press a made-up button
            return f"echo|{label}", self.last_message.get(chat_id)
        message = self.keyboards.get(chat_id) or {}
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return button["callback_data"], message
        raise LookupError(f"no button {label!r} on the latest keyboard")


def fake_process(control: Connection, done: Connection) -> None:
    """Child process: serve the fake Bot API and run the users the orchestrator asks for."""
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_serve_fake(control, done))


async def _serve_fake(control: Connection, done: Connection) -> None:
    """Answer run requests until told to stop (None)."""
    from tests.fake_telegram import FakeTelegram

    fake = FakeTelegram()
    await fake.start()
    fake.max_poll_wait = 0.2  # as tests/telegram_harness.py:start_bot sets it
    load = LoadGenerator(fake, done)
    control.send((fake.url, fake.token))
    try:
        while (request := await asyncio.to_thread(control.recv)) is not None:
            control.send(await load.run(*request))
    finally:
        load.close()
        await fake.stop()


# ----- the bots (bot process) -----


@dataclass(frozen=True)
class BotJob:
    """Which bot to run, against which fake, on which database."""

    kind: str  # "echo", "echo-aiohttp" or "mend"
    api_url: str
    token: str
    database_url: str
    data_dir: str
    concurrency: int
    profile: str | None = None
    data_key: str = field(default_factory=lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())


@dataclass(frozen=True)
class BotUsage:
    """The bot process's CPU time over the measured run, and its peak memory."""

    cpu_seconds: float
    peak_rss_mb: float


def bot_process(control: Connection, job: BotJob, done: Connection) -> None:
    """Child process: run one bot until told to stop, measuring its own CPU and memory."""
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_serve_bot(job, control, done))


async def _serve_bot(job: BotJob, control: Connection, done: Connection) -> None:
    """Start the bot, then obey begin / end / verify until told to stop (None)."""
    async with running_bot(job, done) as application:
        control.send("ready")
        began = 0.0
        finish_profile: Callable[[str], None] | None = None
        while (command := await asyncio.to_thread(control.recv)) is not None:
            if command == "begin":
                finish_profile = start_profiler() if job.profile else None
                began = cpu_seconds()
                control.send(None)
            elif command == "end":
                used = cpu_seconds() - began
                if finish_profile and job.profile:
                    finish_profile(job.profile)
                control.send(BotUsage(used, peak_rss_mb()))
            elif command == "verify":
                control.send(await saved_statements(application))


@asynccontextmanager
async def running_bot(job: BotJob, done: Connection) -> AsyncIterator[Application]:
    """The echo bot or Mend, polling the fake as tests/telegram_harness.py:start_bot does."""
    from telegram import Update
    from telegram.ext import TypeHandler

    async with AsyncExitStack() as stack:
        application = await build_bot(job, stack)
        application.add_handler(TypeHandler(Update, notifier(done)), group=NOTIFY_GROUP)
        await application.initialize()
        if job.kind == "mend":
            from bot.telegram.application import prepare_to_serve

            await prepare_to_serve(application)  # as `mend run` does
        await application.start()
        await application.updater.start_polling(  # type: ignore[union-attr]
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield application
        finally:
            await application.updater.stop()  # type: ignore[union-attr]
            await application.stop()
            await application.shutdown()


async def build_bot(job: BotJob, stack: AsyncExitStack) -> Application:
    """Mend's own Application with an open coach, or the echo bot."""
    if job.kind.startswith("echo"):
        return build_echo_application(job, with_aiohttp=job.kind == "echo-aiohttp")
    from bot.runtime import open_coach
    from bot.telegram.application import build_application

    settings = mend_settings(job)
    coach = await stack.enter_async_context(open_coach(settings))
    return build_application(settings, coach)


def mend_settings(job: BotJob) -> Settings:
    """Settings as a deployment would set them, pointed at the fake and the bench database."""
    from bot.config import Settings

    return Settings(
        telegram_bot_token=job.token,  # type: ignore[arg-type]
        telegram_api_url=job.api_url,  # type: ignore[arg-type]
        database_url=job.database_url,
        mend_data_dir=Path(job.data_dir),
        mend_max_concurrent_updates=job.concurrency,
        # The fake has no limits: measure Mend, not Telegram's 30 messages a second.
        mend_send_rate=1000,
        mend_chat_rate=0,
        mend_data_key=job.data_key,  # a fresh key: no key file, no warning about one
        log_level="WARNING",
        _env_file=None,  # type: ignore[call-arg]
    )


def build_echo_application(job: BotJob, with_aiohttp: bool) -> Application:
    """A bare PTB bot with Mend's defaults and update processor: it repeats what it gets.

    With `with_aiohttp` it sends through Mend's transport instead of PTB's httpx default."""
    from telegram import LinkPreviewOptions
    from telegram.constants import ParseMode
    from telegram.ext import (
        ApplicationBuilder,
        CallbackQueryHandler,
        Defaults,
        MessageHandler,
        filters,
    )

    from bot.telegram.processor import PerChatUpdateProcessor

    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    builder = (
        ApplicationBuilder()
        .token(job.token)
        .base_url(f"{job.api_url}/bot")
        .base_file_url(f"{job.api_url}/file/bot")
        .defaults(defaults)
        .concurrent_updates(PerChatUpdateProcessor(job.concurrency))
    )
    if with_aiohttp:
        from bot.telegram.transport import AiohttpRequest

        builder.request(AiohttpRequest(pool_size=2 * job.concurrency))
        builder.get_updates_request(AiohttpRequest(pool_size=1))
    application = builder.build()
    application.add_handler(CallbackQueryHandler(echo_button))
    application.add_handler(MessageHandler(filters.TEXT, echo_text))
    return application


async def echo_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


async def echo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the spinner and send the button's data back."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    chat_id = update.effective_chat.id if update.effective_chat else query.from_user.id
    await context.bot.send_message(chat_id, query.data or "?")


def notifier(done: Connection) -> Callable[[Update, object], Any]:
    """A last-group handler that tells the fake process an update is fully handled."""

    async def notify(update: Update, _context: object) -> None:
        done.send_bytes(update.update_id.to_bytes(8, "little"))

    return notify


async def saved_statements(application: Application) -> dict[str, int]:
    """Saved I-statements per Telegram user id, from Mend's database."""
    from sqlalchemy import and_, func
    from sqlmodel import col, select

    from bot.store.models import Statement, User

    joined = and_(Statement.user_id == User.id, Statement.kind == "istatement")
    query = (
        select(User.external_id, func.count(col(Statement.id)))
        .outerjoin(Statement, joined)
        .group_by(User.external_id)
    )
    async with application.bot_data["coach"].database.transaction() as session:
        return {external_id: count for external_id, count in await session.exec(query)}


def start_profiler() -> Callable[[str], None]:
    """Profile this thread (pyinstrument if installed, else cProfile); call the result to stop
    and write the report."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        profile = cProfile.Profile()
        profile.enable()
        return lambda path: write_cprofile(profile, path)
    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()

    def finish(path: str) -> None:
        profiler.stop()
        tree = profiler.output_text(unicode=True, time="percent_of_total")
        flat = profiler.output_text(unicode=True, flat=True, time="percent_of_total")
        Path(path).write_text(f"{tree}\n\nBy own time:\n{flat}")

    return finish


def write_cprofile(profile: cProfile.Profile, path: str) -> None:
    """The top functions by own and cumulative time to PATH, the raw stats to PATH.prof."""
    profile.disable()
    profile.dump_stats(f"{path}.prof")
    with Path(path).open("w") as out:
        stats = pstats.Stats(profile, stream=out).strip_dirs()
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)


# ----- the orchestrator (this process) -----


class Child:
    """A spawned process and our end of its control pipe."""

    def __init__(
        self, context: SpawnContext, name: str, target: Callable[..., None], *args: object
    ) -> None:
        self.name = name
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=target, name=name, args=(theirs, *args), daemon=True)
        self.process.start()
        theirs.close()

    def receive(self, timeout: float) -> Any:
        """The child's next message; it is an error for it to die or dawdle."""
        if not self.conn.poll(timeout):
            raise TimeoutError(f"the {self.name} process gave no answer in {timeout:.0f} s")
        try:
            return self.conn.recv()
        except EOFError:
            raise RuntimeError(f"the {self.name} process died") from None

    def ask(self, message: object, timeout: float) -> Any:
        """Send a request and wait for the answer."""
        self.conn.send(message)
        return self.receive(timeout)

    def close(self) -> None:
        """Ask the child to stop, and make sure it does."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(30)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.conn.close()


@dataclass
class Result:
    """One scenario's numbers (None if it could not run) and whatever went wrong in it."""

    scenario: Scenario
    stats: RunStats | None
    usage: BotUsage | None
    problems: list[str]
    profiled: bool = False
    trials: list[tuple[float, float]] = field(default_factory=list)  # (CPU ms/upd, upd/s) each

    @property
    def cpu_per_update(self) -> float:
        """Bot CPU seconds per measured update."""
        assert self.stats and self.usage
        return self.usage.cpu_seconds / max(1, self.stats.updates)

    @property
    def rate(self) -> float:
        """Measured updates per wall-clock second."""
        assert self.stats
        return self.stats.updates / self.stats.seconds


def run_scenario(
    scenario: Scenario, database_url: str | None, options: argparse.Namespace
) -> Result:
    """Start a fake and a bot, warm up, measure, verify, stop both."""
    context = multiprocessing.get_context("spawn")
    done_reader, done_writer = context.Pipe(duplex=False)
    fake = Child(context, "fake", fake_process, done_reader)
    done_reader.close()
    try:
        api_url, token = fake.receive(START_TIMEOUT)
        with tempfile.TemporaryDirectory(prefix="mend-bench-") as data_dir:
            profile = options.profile if options.profile_scenario == scenario.key else None
            url = database_url or f"sqlite:///{Path(data_dir) / 'mend.db'}"
            job = BotJob(scenario.kind, api_url, token, url, data_dir, options.concurrency, profile)
            bot = Child(context, "bot", bot_process, job, done_writer)
            done_writer.close()
            try:
                result = measure(scenario, fake, bot, options)
            finally:
                bot.close()
    finally:
        fake.close()
    result.profiled = profile is not None
    return result


def measure(scenario: Scenario, fake: Child, bot: Child, options: argparse.Namespace) -> Result:
    """Warm up with users of their own, then measure the main users; check what they did."""
    bot.receive(START_TIMEOUT)
    mode = scenario.kind
    warm_ids = list(range(WARMUP_BASE, WARMUP_BASE + options.warmup))
    user_ids = list(range(USER_BASE, USER_BASE + options.users))
    warm = fake.ask((warm_ids, options.rounds, mode), RUN_TIMEOUT) if warm_ids else None
    bot.ask("begin", START_TIMEOUT)
    stats: RunStats = fake.ask((user_ids, options.rounds, mode), RUN_TIMEOUT)
    usage: BotUsage = bot.ask("end", RUN_TIMEOUT)
    problems = run_problems("warm-up", warm) + run_problems("measured run", stats)
    if scenario.kind == "mend":
        counts = bot.ask("verify", START_TIMEOUT)
        problems += statement_problems(counts, [*warm_ids, *user_ids], options.rounds)
    return Result(scenario, stats, usage, problems)


def run_problems(phase: str, stats: RunStats | None) -> list[str]:
    """Users that got stuck, and updates the bot never answered."""
    if stats is None:
        return []
    problems = [f"{phase}: {error}" for error in stats.errors[:5]]
    if len(stats.errors) > 5:
        problems.append(f"{phase}: ... {len(stats.errors)} users failed in all")
    if stats.unanswered:
        problems.append(f"{phase}: {stats.unanswered} updates got no message back")
    return problems


def statement_problems(counts: dict[str, int], user_ids: list[int], rounds: int) -> list[str]:
    """Every simulated user must have exactly `rounds` saved I-statements."""
    wrong = [uid for uid in user_ids if counts.get(str(uid), 0) != rounds]
    if not wrong:
        return []
    examples = ", ".join(f"{uid}: {counts.get(str(uid), 0)}" for uid in wrong[:5])
    return [
        f"{len(wrong)} of {len(user_ids)} users do not have {rounds} saved I-statements "
        f"in the database ({examples})"
    ]


async def _postgres(server_url: str, sql: str) -> None:
    """Run one statement on the server's maintenance database."""
    import asyncpg

    connection = await asyncpg.connect(server_url, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create_postgres_database(server_url: str, name: str) -> str | None:
    """Create the database; what went wrong, or None."""
    try:
        asyncio.run(_postgres(server_url, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@contextmanager
def postgres_database(server_url: str) -> Iterator[str | None]:
    """A fresh database on the server, dropped on exit; None if the server is unreachable."""
    name = f"mend_bench_{uuid.uuid4().hex[:10]}"
    problem = create_postgres_database(server_url, name)
    if problem:
        print(f"PostgreSQL SKIPPED: cannot create a database at {server_url}: {problem}")
        yield None
        return
    try:
        yield f"{server_url.rsplit('/', 1)[0]}/{name}"
    finally:
        asyncio.run(_postgres(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def scenario_database(scenario: Scenario, options: argparse.Namespace) -> Iterator[str | None]:
    """None for a fresh SQLite file (made per run), a fresh PostgreSQL database, or SKIP."""
    if scenario.key != "postgres":
        yield None
        return
    with postgres_database(options.postgres) as url:
        yield url if url is not None else SKIP


def timed(scenario: Scenario, options: argparse.Namespace) -> Result | None:
    """Run one scenario `--trials` times, saying how long it took; the run that cost least CPU
    per update is kept (this kind of machine is shared: slower runs are its neighbours' noise)."""
    print(f"  {scenario.label} ...", end="", flush=True)
    began = time.monotonic()
    runs: list[Result] = []
    for _ in range(options.trials):
        with scenario_database(scenario, options) as url:
            if url == SKIP:
                print(" skipped")
                return None
            try:
                runs.append(run_scenario(scenario, url, options))
            except (RuntimeError, TimeoutError, OSError) as exc:
                runs.append(Result(scenario, None, None, [f"{type(exc).__name__}: {exc}"]))
    failed = [r for r in runs if r.problems or r.stats is None]
    result = failed[0] if failed else min(runs, key=lambda r: r.cpu_per_update)
    result.trials = sorted((r.cpu_per_update * 1000, r.rate) for r in runs if r.stats and r.usage)
    status = "ok" if not result.problems else "FAILED"
    print(f" {status} ({time.monotonic() - began:.1f} s)", flush=True)
    return result


def run_all(options: argparse.Namespace) -> list[Result]:
    """The chosen scenarios in order; PostgreSQL only if the server is reachable."""
    results = []
    for scenario in SCENARIOS:
        if scenario.key not in options.scenarios:
            print(f"  {scenario.label}: not chosen (--scenarios)")
        elif (result := timed(scenario, options)) is not None:
            results.append(result)
    return results


TABLE = (
    ("scenario", 18, "{}"),
    ("updates", 8, "{:d}"),
    ("upd/s", 8, "{:.0f}"),
    ("p50 ms", 7, "{:.1f}"),
    ("p99 ms", 7, "{:.1f}"),
    ("turn p99", 9, "{:.1f}"),
    ("CPU s", 7, "{:.2f}"),
    ("CPU ms/upd", 11, "{:.3f}"),
    ("RSS MB", 7, "{:.0f}"),
    ("calls/upd", 10, "{:.2f}"),
    ("fake CPU", 9, "{:.0%}"),
)
LEGEND = """
upd/s: measured updates / wall-clock seconds. p50, p99 ms: from the getUpdates response that
delivered an update to the first message the bot sent back. turn p99: to the update being fully
handled. CPU s, CPU ms/upd: the bot process only (user+sys, all threads; a PostgreSQL server's
own CPU is not counted). RSS MB: the bot process's peak. calls/upd: Bot API calls per update.
fake CPU: the fake Bot API process's share of one core (near 100% would make it the limit)."""


def table_row(result: Result) -> list[str]:
    """One line of the table, formatted in TABLE's order; a scenario that broke says so."""
    label = result.scenario.label + (" *" if result.profiled else "")
    stats, usage = result.stats, result.usage
    if stats is None or usage is None:
        return [label, *(["FAILED"] + ["-"] * (len(TABLE) - 2))]
    values = [
        label,
        stats.updates,
        result.rate,
        stats.reply_ms[0],
        stats.reply_ms[1],
        stats.turn_ms[1],
        usage.cpu_seconds,
        result.cpu_per_update * 1000,
        usage.peak_rss_mb,
        stats.api_calls / max(1, stats.updates),
        stats.fake_cpu / stats.seconds,
    ]
    return [fmt.format(value) for (_, _, fmt), value in zip(TABLE, values, strict=True)]


def table_line(cells: Sequence[str]) -> str:
    """Cells padded to TABLE's widths: the first left-aligned, the rest right-aligned."""
    widths = [width for _, width, _ in TABLE]
    first, *rest = zip(cells, widths, strict=True)
    return "  ".join([f"{first[0]:<{first[1]}}", *(f"{c:>{w}}" for c, w in rest)])


def verdict(ok: bool) -> str:
    """How a number fares against its target."""
    return "met" if ok else "MISSED"


def measured(results: list[Result], key: str) -> Result | None:
    """The scenario's result, if it ran to the end."""
    return next((r for r in results if r.scenario.key == key and r.stats is not None), None)


def print_targets(results: list[Result]) -> None:
    """Mend's CPU per update against the echo bot's, and its rate on SQLite."""
    echo, like = measured(results, "echo"), measured(results, "echo-aiohttp")
    print(f"\nMend's CPU per update / the echo bot's (target: at most {CPU_RATIO_TARGET:.0f}x):")
    for scenario in (s for s in SCENARIOS if s.kind == "mend"):
        mend = measured(results, scenario.key)
        if echo is None or mend is None:
            print(f"  {scenario.label:<18}   n/a   (not measured)")
            continue
        ratio = mend.cpu_per_update / echo.cpu_per_update
        same = (
            f"; {mend.cpu_per_update / like.cpu_per_update:.2f}x the echo bot on aiohttp"
            if like
            else ""
        )
        print(
            f"  {scenario.label:<18} {ratio:5.2f}x   {verdict(ratio <= CPU_RATIO_TARGET)}"
            f"   (bare PTB on httpx{same})"
        )
    sqlite = measured(results, "sqlite")
    rate = f"{sqlite.rate:.0f} updates/s" if sqlite else "n/a"
    ok = sqlite is not None and sqlite.rate >= SQLITE_RATE_TARGET
    target = f"target: at least {SQLITE_RATE_TARGET:.0f}"
    spread = ""
    if sqlite and len(sqlite.trials) > 1:
        rates = [trial_rate for _, trial_rate in sqlite.trials]
        slowest, middle = min(rates), statistics.median(rates)
        spread = (
            f"; median trial {middle:.0f} ({verdict(middle >= SQLITE_RATE_TARGET)}),"
            f" slowest {slowest:.0f} ({verdict(slowest >= SQLITE_RATE_TARGET)})"
        )
    print(f"Mend on SQLite: {rate} ({target})   {verdict(ok)}{spread}")


def print_problems(results: list[Result], options: argparse.Namespace) -> None:
    """Every problem, loudly; or what was checked."""
    problems = [(r.scenario.label, p) for r in results for p in r.problems]
    if not problems:
        mend = [r.scenario for r in results if r.scenario.kind == "mend"]
        databases = [scenario.label.removeprefix("Mend, ") for scenario in mend]
        saved = (
            f"; all {options.users + options.warmup} users have {options.rounds} saved "
            f"I-statement(s) in {' and '.join(databases)}"
            if databases
            else ""
        )
        print(f"\nChecked: every update was answered{saved}.")
        return
    print("\n" + "!" * 72)
    for label, problem in problems:
        print(f"FAILED [{label}]: {problem}")
    print("!" * 72)


def print_report(results: list[Result], options: argparse.Namespace) -> None:
    """The table, its legend, the targets, and the checks."""
    print()
    print(table_line([name for name, _, _ in TABLE]))
    for result in results:
        print(table_line(table_row(result)))
    print(LEGEND)
    print("Every row is the best of its trials by CPU per update; all trials, CPU ms/upd (upd/s):")
    for result in results:
        spread = ", ".join(f"{cpu:.3f} ({rate:.0f})" for cpu, rate in result.trials) or "-"
        print(f"  {result.scenario.label:<18} {spread}")
    if any(r.profiled for r in results):
        print(f"* profiled (CPU and latency inflated); report in {options.profile}")
    for result in results:
        if result.stats is not None and result.scenario.kind == "mend":
            print(
                f"{result.scenario.label}: {result.stats.safety_checks} benign messages got the "
                "one-tap safety check (a false alarm), tapped through"
            )
    print_targets(results)
    print_problems(results, options)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="simulated users (default 200)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="I-statements each user writes after onboarding (default 1)",
    )
    parser.add_argument(
        "--warmup", type=int, default=10, help="extra users run first, not measured (default 10)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=64,
        help="PerChatUpdateProcessor limit, both bots (default 64)",
    )
    parser.add_argument(
        "--trials",
        type=int,
        default=3,
        help="runs of each scenario; the one with the least CPU per update is shown (default 3)",
    )
    parser.add_argument(
        "--postgres",
        default=POSTGRES_SERVER,
        help="PostgreSQL server URL to create the bench database on",
    )
    parser.add_argument(
        "--scenarios",
        type=lambda text: [key.strip() for key in text.split(",")],
        default=[s.key for s in SCENARIOS],
        help="which to run, comma-separated (default: echo,sqlite,postgres)",
    )
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help="profile the bot's measured run (pyinstrument if installed, else cProfile) to PATH",
    )
    parser.add_argument(
        "--profile-scenario",
        default="sqlite",
        choices=[s.key for s in SCENARIOS],
        help="the scenario --profile applies to (default: sqlite)",
    )
    options = parser.parse_args(argv)
    if min(options.users, options.rounds, options.trials) < 1 or options.warmup < 0:
        parser.error("--users, --rounds and --trials must be at least 1, --warmup at least 0")
    unknown = set(options.scenarios) - {s.key for s in SCENARIOS}
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Run every scenario and print the report; non-zero if anything went wrong."""
    options = parse_args(argv)
    steps = script(0, options.rounds)
    free_text = sum(s.kind == "text" and not s.value.startswith("/") for s in steps)
    print(
        f"Mend update benchmark: {options.users} users x {len(steps)} inputs each "
        f"(onboarding + {options.rounds} I-statement(s)), concurrency {options.concurrency}, "
        f"{options.warmup} warm-up users; best of {options.trials} trials; {os.cpu_count()} CPUs"
    )
    print(
        f"Mend rows: {free_text} of the {len(steps)} inputs are free text, each through the "
        "whole safety screen (lexicon, sentence embedding and head), off the event loop"
    )
    results = run_all(options)
    print_report(results, options)
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
