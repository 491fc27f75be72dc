"""CPU per input of Mend's core alone (no Telegram): routing, rendering, analysis and the store.

Run from the repository root: `python bench/core.py [--users 300 --database sqlite,postgres]`.

Each user plays the same script as bench/updates.py (onboarding, then one I-statement saved)
through `Coach.handle`, a few users at a time, so that what is left over is Mend's own cost per
input. `--profile PATH` writes a cProfile report of the measured run.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import cProfile
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.updates import POSTGRES_SERVER, Step, postgres_database, script  # noqa: E402

WARMUP = 20


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def play(coach: object, user_id: int, steps: list[Step]) -> int:
    """One user's script through the core; the number of inputs handled."""
    from bot.messages import Incoming

    buttons: dict[str, str] = {}
    for seq, step in enumerate(steps, 1):
        if step.kind == "text":
            kind, text = (
                ("command", step.value[1:]) if step.value.startswith("/") else ("text", step.value)
            )
        else:
            kind, text = "button", buttons[step.value]
        incoming = Incoming("telegram", str(user_id), kind, text, seq=user_id * 100 + seq)  # type: ignore[arg-type]
        replies = await coach.handle(incoming)  # type: ignore[attr-defined]
        buttons = {b.label: b.data for r in replies for row in r.buttons for b in row}
    return len(steps)


async def measure(
    url: str, users: int, together: int, profile: str | None
) -> tuple[int, float, float]:
    """Inputs handled, CPU seconds and wall seconds for `users` users, `together` at a time."""
    from bot.config import Settings
    from bot.runtime import open_coach

    with tempfile.TemporaryDirectory(prefix="mend-core-bench-") as data_dir:
        settings = Settings(
            database_url=url.replace("{dir}", data_dir),
            mend_data_dir=Path(data_dir),
            mend_data_key=base64.urlsafe_b64encode(os.urandom(32)).decode(),
            log_level="WARNING",
            _env_file=None,  # type: ignore[call-arg]
        )
        async with open_coach(settings) as coach:
            await asyncio.gather(*(play(coach, 9_000_000 + i, script(i, 1)) for i in range(WARMUP)))
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            began_cpu, began = cpu_seconds(), time.monotonic()
            handled = 0
            for start in range(0, users, together):
                batch = range(start, min(users, start + together))
                handled += sum(
                    await asyncio.gather(*(play(coach, 1_000_000 + i, script(i, 1)) for i in batch))
                )
            cpu, wall = cpu_seconds() - began_cpu, time.monotonic() - began
            if profiler and profile:
                profiler.disable()
                write_profile(profiler, profile)
    return handled, cpu, wall


def write_profile(profiler: cProfile.Profile, path: str) -> None:
    """The top functions by own and by cumulative time."""
    with Path(path).open("w") as out:
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("tottime").print_stats(50)
        stats.sort_stats("cumulative").print_stats(80)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--together", type=int, default=16, help="users playing at once")
    parser.add_argument("--database", default="sqlite,postgres")
    parser.add_argument("--postgres", default=POSTGRES_SERVER)
    parser.add_argument("--profile", metavar="PATH", help="cProfile report of the last database")
    options = parser.parse_args()
    print(f"Mend core benchmark: {options.users} users x 9 inputs, {options.together} at a time")
    print(f"{'database':<12}{'inputs':>8}{'inputs/s':>10}{'CPU ms/input':>14}")
    for name in options.database.split(","):
        with contextlib.ExitStack() as stack:
            if name == "sqlite":
                url: str | None = "sqlite:///{dir}/mend.db"
            else:
                url = stack.enter_context(postgres_database(options.postgres))
            if url is None:
                continue
            handled, cpu, wall = asyncio.run(
                measure(url, options.users, options.together, options.profile)
            )
        print(f"{name:<12}{handled:>8}{handled / wall:>10.0f}{cpu / handled * 1000:>14.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
