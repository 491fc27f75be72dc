"""Achieved send rates of PacedRateLimiter against the fake Bot API, next to the limits.

Run from the repository root: `python bench/ratelimit.py [--rate 30 --chats 300 --chat-rate 1]`.
The fake refuses (429) any send beyond `--rate` in a sliding second, as Telegram may.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.ext import ExtBot

from bot.telegram.rate_limit import PacedRateLimiter
from tests.fake_telegram import FakeTelegram


async def measure(rate: float, chats: int, chat_rate: float, per_chat: int) -> None:
    """Send one message to each of `chats` chats, then `per_chat` to one chat; print the rates."""
    fake = FakeTelegram()
    await fake.start()
    fake.rate_limit = rate
    limiter = PacedRateLimiter(rate, chat_rate)
    try:
        async with ExtBot(fake.token, base_url=f"{fake.url}/bot", rate_limiter=limiter) as bot:
            started = time.monotonic()
            await asyncio.gather(*(bot.send_message(10_000 + n, "hi") for n in range(chats)))
            spread = time.monotonic() - started
            await asyncio.gather(*(bot.send_message(1, f"part {n}") for n in range(per_chat)))
            chats_held = limiter.chats_tracked
    finally:
        await fake.stop()
    one = [c.at for c in fake.sent(1) if c.status == 200]
    gap = min((b - a for a, b in itertools.pairwise(one)), default=0.0)
    print(f"overall: {chats / spread:6.1f} msg/s to {chats} chats (limit {rate:g}/s)")
    if chat_rate:
        print(f"one chat: smallest gap {gap:.3f} s (limit {1 / chat_rate:.3f} s)")
    print(f"429 answers: {fake.too_many}; chats still tracked: {chats_held}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=30)
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--chat-rate", type=float, default=1.0)
    parser.add_argument("--per-chat", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(measure(args.rate, args.chats, args.chat_rate, args.per_chat))


if __name__ == "__main__":
    main()
