"""Time the monthly progress chart: ms per render, PNG size and peak RSS.

Run from the repository root: `python bench/charts.py [--renders 50 --threads 1]`.
The first render (which imports matplotlib) is reported apart from the timed ones.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.checkins.charts import ChartLabels, progress_chart  # noqa: E402
from bot.checkins.progress import (  # noqa: E402
    DayEntry,
    History,
    MonthStats,
    WeekReview,
    monday,
    month_stats,
)

TODAY = date(2026, 11, 22)
LABELS = ChartLabels(
    title="Your last 30 days",
    mood="Mood (1-5)",
    consistency="Check-in days per week",
    kept="Commitments kept",
    triggered="Triggered days per week",
    no_data="Nothing yet",
)


def sample_stats(seed: int = 1) -> MonthStats:
    """A busy, plausible month: most days checked in, every panel full."""
    rng = random.Random(seed)
    entries = tuple(
        DayEntry(TODAY - timedelta(days=i), rng.randint(1, 5), rng.random() < 0.3)
        for i in range(60)
        if rng.random() < 0.85
    )
    reviews = tuple(
        WeekReview(monday(TODAY) - timedelta(weeks=w), rng.randint(1, 4), rng.randint(0, 2), 0)
        for w in range(6)
    )
    return month_stats(History(TODAY, entries, reviews))


def peak_rss_mib() -> float:
    """This process's peak resident set size (ru_maxrss is KiB on Linux)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 / (1024 if sys.platform == "darwin" else 1)


def timed(stats: MonthStats) -> tuple[float, int]:
    started = time.perf_counter()
    png = progress_chart(stats, LABELS)
    return (time.perf_counter() - started) * 1000, len(png)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    stats = sample_stats()
    baseline = peak_rss_mib()
    first_ms, size = timed(stats)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        runs = list(pool.map(timed, [stats] * args.renders))
    wall_ms = (time.perf_counter() - started) * 1000
    times = sorted(ms for ms, _ in runs)

    print(f"first render (imports matplotlib): {first_ms:.0f} ms")
    print(f"{args.renders} renders on {args.threads} thread(s): {wall_ms:.0f} ms wall")
    print(f"ms per chart: {wall_ms / args.renders:.1f} (wall)")
    print(
        f"ms per render: mean {statistics.fmean(times):.1f}, "
        f"p50 {times[len(times) // 2]:.1f}, max {times[-1]:.1f}"
    )
    print(f"PNG size: {size / 1024:.1f} KiB")
    print(f"peak RSS: {peak_rss_mib():.1f} MiB (before matplotlib: {baseline:.1f} MiB)")


if __name__ == "__main__":
    main()
