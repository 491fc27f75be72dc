"""`mend chat`: the same coach in a terminal, buttons shown as numbered choices."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TextIO

from bot.checkins.dispatcher import Dispatcher
from bot.core.service import Coach
from bot.messages import Button, Incoming, InputKind, Reply
from bot.plaintext import html_to_text

CHANNEL = "terminal"
GOODBYE = {"/quit", "/exit"}
PROMPT = "\n> "

log = logging.getLogger(__name__)


class TerminalChat:
    """Reads lines, sends them to the coach, prints replies; numbers press buttons.

    With a dispatcher, check-ins and follow-ups due for this person are shown while it runs.
    """

    def __init__(
        self,
        coach: Coach,
        user: str,
        out: TextIO = sys.stdout,
        dispatcher: Dispatcher | None = None,
        language_code: str | None = None,
    ) -> None:
        self.coach = coach
        self.user = user
        self.out = out
        self.dispatcher = dispatcher
        self.language_code = language_code
        self.buttons: list[Button] = []
        self._turn = asyncio.Lock()  # a check-in never lands in the middle of a turn's replies

    def to_incoming(self, line: str) -> Incoming:
        """A typed line as the core's input: a command, a button number, or text."""
        line = line.strip()
        kind: InputKind = "text"
        text, args = line, ""
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            kind, text = "button", self.buttons[int(line) - 1].data
        elif line.startswith("/") and len(line) > 1:
            name, _, args = line[1:].partition(" ")
            kind, text = "command", name.split("@")[0]
        return Incoming(CHANNEL, self.user, kind, text, args, language_code=self.language_code)

    async def say(self, line: str) -> list[Reply]:
        """Send one line and print what comes back; a failure is an apology, not a crash."""
        async with self._turn:
            try:
                replies = await self.coach.handle(self.to_incoming(line))
            except Exception as exc:  # logged without the line: users' words stay out of logs
                log.error("a terminal turn failed: %s", type(exc).__name__)
                replies = [Reply(self._text("common.error"))]
            self.show(replies)
        return replies

    async def deliver_due(self) -> int:
        """Show the check-ins and follow-ups now due for this person; how many were shown."""
        if self.dispatcher is None:
            return 0
        shown = 0
        async with self._turn:
            now = self.coach.clock()
            await self.dispatcher.claim_due(now)
            while batch := await self.dispatcher.take(now, limit=10):
                for item in batch:
                    self.show(self.coach.scheduled(item.user, item.run, item.cadence, now))
                await self.dispatcher.finish(now, [item.delivery_id for item in batch], [], [])
                shown += len(batch)
        return shown

    def show(self, replies: list[Reply]) -> None:
        for reply in replies:
            self.out.write("\n" + html_to_text(reply.text) + "\n")
            if reply.attachment:
                self.out.write(f"  [{reply.attachment.kind}: {self._save(reply)}]\n")
            if reply.buttons:
                self.buttons = [b for row in reply.buttons for b in row]
                for number, button in enumerate(self.buttons, start=1):
                    self.out.write(f"  {number}) {button.label}\n")
        self.out.flush()

    def _save(self, reply: Reply) -> Path:
        assert reply.attachment
        path = Path.cwd() / reply.attachment.filename
        path.write_bytes(reply.attachment.content)
        return path

    def _text(self, key: str) -> str:
        texts = self.coach.content.texts
        return html_to_text(texts.render(key, texts.pick_locale(self.language_code)))

    async def _watch_checkins(self, every: float) -> None:
        """Every `every` seconds, show what has come due; a failed tick waits for the next."""
        while True:
            try:
                if await self.deliver_due():
                    self.out.write(PROMPT)
                    self.out.flush()
            except Exception as exc:
                log.warning("terminal check-ins failed: %s", type(exc).__name__)
            await asyncio.sleep(every)

    async def run(self, source: TextIO = sys.stdin, checkin_every: float = 30.0) -> None:
        """The read-eval-print loop; /quit or end of input leaves."""
        self.out.write(self._text("common.terminal.hello") + "\n")
        await self.say("/start")
        watcher = asyncio.create_task(self._watch_checkins(checkin_every))
        done = threading.Event()
        lines = read_lines(source, done)
        try:
            while True:
                self.out.write(PROMPT)
                self.out.flush()
                line = await lines.get()
                if not line or line.strip() in GOODBYE:
                    self.out.write("\n" + self._text("common.terminal.goodbye") + "\n")
                    return
                if line.strip():
                    await self.say(line)
        finally:
            done.set()
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


def read_lines(source: TextIO, done: threading.Event) -> asyncio.Queue[str]:
    """Lines from `source` as they are typed, "" at the end, until `done` is set. A daemon
    thread reads them, so Ctrl-C or the end of the chat never waits for a line."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        line = "-"
        while line and not done.is_set():
            line = source.readline()
            try:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            except RuntimeError:  # the loop has closed: nobody is reading any more
                return

    threading.Thread(target=pump, name="terminal-input", daemon=True).start()
    return lines


def terminal_user() -> str:
    """The local account name: one terminal user per OS user."""
    try:
        return getpass.getuser()
    except Exception:
        return "local"


def terminal_language(environ: dict[str, str] | None = None) -> str | None:
    """The language of the terminal's locale (LC_ALL, LC_MESSAGES, LANG), as 'en-GB'."""
    environ = dict(os.environ) if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(".")[0].split("@")[0]
        if value and value not in {"C", "POSIX"}:
            return value.replace("_", "-")[:16]
    return None
