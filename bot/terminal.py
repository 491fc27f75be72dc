"""`mend chat`: the same coach in a terminal, buttons shown as numbered choices."""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path
from typing import TextIO

from bot.core.service import Coach
from bot.messages import Button, Incoming, Reply
from bot.plaintext import html_to_text

CHANNEL = "terminal"
GOODBYE = {"/quit", "/exit"}


class TerminalChat:
    """Reads lines, sends them to the coach, prints replies; numbers press buttons."""

    def __init__(self, coach: Coach, user: str, out: TextIO = sys.stdout) -> None:
        self.coach = coach
        self.user = user
        self.out = out
        self.buttons: list[Button] = []

    def to_incoming(self, line: str) -> Incoming:
        """A typed line as the core's input: a command, a button number, or text."""
        line = line.strip()
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            return Incoming(CHANNEL, self.user, "button", self.buttons[int(line) - 1].data)
        if line.startswith("/") and len(line) > 1:
            name, _, args = line[1:].partition(" ")
            return Incoming(CHANNEL, self.user, "command", name.split("@")[0], args)
        return Incoming(CHANNEL, self.user, "text", line)

    async def say(self, line: str) -> list[Reply]:
        """Send one line and print what comes back."""
        replies = await self.coach.handle(self.to_incoming(line))
        self.show(replies)
        return replies

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

    async def run(self, source: TextIO = sys.stdin) -> None:
        """The read-eval-print loop; /quit or end of input leaves."""
        self.out.write("Mend in your terminal. Type /start to begin, /quit to leave.\n")
        await self.say("/start")
        while True:
            self.out.write("\n> ")
            self.out.flush()
            line = await asyncio.to_thread(source.readline)
            if not line or line.strip() in GOODBYE:
                self.out.write("\nTake care. Your progress is saved.\n")
                return
            if line.strip():
                await self.say(line)


def terminal_user() -> str:
    """The local account name: one terminal user per OS user."""
    try:
        return getpass.getuser()
    except Exception:
        return "local"
