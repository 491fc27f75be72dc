"""The monthly progress chart: four calm panels as PNG bytes, drawn with matplotlib's object API.

No pyplot and no GUI backend: each call builds its own Figure on an Agg canvas. matplotlib is
imported on first use, so the bot starts without it; a lock serialises drawing, because matplotlib
does not promise thread safety.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bot.checkins.progress import MonthStats, monday

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 9.0, 100  # 800 x 900 px: readable on a phone
BACKGROUND = "#FBF8F3"
INK = "#3E4A4F"
MUTED = "#8A9499"
GRID = "#E6E1D8"
MOOD = "#5B8E9A"  # soft teal
CONSISTENCY = "#8FB39A"  # sage
KEPT = "#9C8FBF"  # lavender
TRIGGERED = "#D4A373"  # sand, never alarm red
WEEK_DAYS = 7
PALETTE_COLOURS = 64  # of the PNG
BAR_GAP = 0.4  # days of air either side of a week's bar
TITLE_SIZE, PANEL_SIZE, TICK_SIZE, NOTE_SIZE = 22.0, 17.0, 13.0, 13.0
_LOCK = threading.Lock()
# Every text the chart draws: no mathtext, no TeX, so "$x^2$" from a label stays "$x^2$".
_LITERAL: dict[str, Any] = {"parse_math": False, "usetex": False}


@dataclass(frozen=True)
class ChartLabels:
    """Every word on the chart, from the caller (texts live in prompts/)."""

    title: str
    mood: str
    consistency: str
    kept: str
    triggered: str
    no_data: str


def progress_chart(stats: MonthStats, labels: ChartLabels) -> bytes:
    """A PNG: mood over the month, check-in days, share kept and triggered days per week."""
    from matplotlib.text import Text
    from PIL import Image  # comes with matplotlib

    with _LOCK:
        figure = build_figure(stats, labels)
        canvas = figure.canvas
        canvas.draw()  # not savefig: no rcParams (savefig.bbox, .dpi) can resize it
        pixels = canvas.buffer_rgba()
        rgb = Image.frombuffer("RGBA", canvas.get_width_height(), pixels, "raw", "RGBA", 0, 1)
        rgb = rgb.convert("RGB")  # a copy
        # The figure is cyclic garbage until the next full collection: let its 3 MB of pixels go
        # now. Only the canvas and each drawn Text hold the renderer.
        for text in figure.findobj(Text):
            text._renderer = None
        canvas.renderer = None
        del pixels
    # A flat chart needs few colours: a 64-colour palette is a third of the bytes, and quicker.
    image = rgb.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    image.save(buffer, format="png")
    return buffer.getvalue()


def build_figure(stats: MonthStats, labels: ChartLabels) -> Figure:
    """The chart's Figure on its own Agg canvas (call under the lock when drawing)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.08, right=0.97, top=0.89, bottom=0.04, hspace=0.75)
    figure.suptitle(
        labels.title, fontsize=_fit(labels.title, TITLE_SIZE, 40), color=INK, **_LITERAL
    )
    mood, consistency, kept, triggered = figure.subplots(4, 1)
    _mood_panel(mood, stats, labels)
    days = stats.consistency_by_week
    _week_panel(consistency, stats, labels.consistency, days, labels.no_data, CONSISTENCY, False)
    _kept_panel(kept, stats, labels)
    triggers = stats.triggered_by_week  # weeks listed only when a trigger question was answered
    _week_panel(triggered, stats, labels.triggered, triggers, labels.no_data, TRIGGERED, True)
    return figure


def _fit(text: str, size: float, room: int) -> float:
    """A font size that keeps a long label on the figure."""
    return size if len(text) <= room else max(9.0, size * room / len(text))


def _frame(ax: Axes, stats: MonthStats, title: str) -> None:
    ax.set_facecolor(BACKGROUND)
    ax.set_title(title, loc="left", fontsize=_fit(title, PANEL_SIZE, 50), color=INK, **_LITERAL)
    ax.set_xlim(-0.5, (stats.end - stats.start).days + 0.5)
    mondays = _mondays(stats.start, stats.end)
    ax.set_xticks([(m - stats.start).days for m in mondays], [str(m.day) for m in mondays])
    ax.tick_params(colors=MUTED, labelsize=TICK_SIZE, length=0, pad=4)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(GRID)


def _mondays(start: date, end: date) -> list[date]:
    first = monday(start) if start.weekday() == 0 else monday(start) + timedelta(days=WEEK_DAYS)
    return [first + timedelta(weeks=i) for i in range((end - first).days // WEEK_DAYS + 1)]


def _no_data(ax: Axes, text: str) -> None:
    """Show the caller's "nothing yet" words instead of an empty axis."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["bottom"].set_visible(False)
    ax.text(
        0.5,
        0.45,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=_fit(text, PANEL_SIZE - 1, 50),
        color=MUTED,
        **_LITERAL,
    )


def _mood_panel(ax: Axes, stats: MonthStats, labels: ChartLabels) -> None:
    _frame(ax, stats, labels.mood)
    if not stats.mood_by_day:
        _no_data(ax, labels.no_data)
        return
    xs = [(day - stats.start).days for day, _ in stats.mood_by_day]
    ys = [mood for _, mood in stats.mood_by_day]
    ax.set_ylim(0.6, 5.4)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.plot(xs, ys, color=MOOD, linewidth=2.4, marker="o", markersize=5, solid_capstyle="round")


def _week_panel(
    ax: Axes,
    stats: MonthStats,
    title: str,
    weeks: Sequence[tuple[date, int]],
    no_data: str,
    color: str,
    zeros_are_data: bool,
) -> None:
    """Bars of days per week (check-ins or triggers); zeros are written only where they inform."""
    _frame(ax, stats, title)
    if not (weeks if zeros_are_data else [v for _, v in weeks if v]):
        _no_data(ax, no_data)
        return
    _bars(ax, stats, weeks, color, str, skip_zero=not zeros_are_data)
    ax.set_ylim(0, max(WEEK_DAYS, *(v for _, v in weeks)) * 1.3)
    ax.set_yticks([])


def _kept_panel(ax: Axes, stats: MonthStats, labels: ChartLabels) -> None:
    _frame(ax, stats, labels.kept)
    if not stats.kept_share_by_week:
        _no_data(ax, labels.no_data)
        return
    _bars(ax, stats, stats.kept_share_by_week, KEPT, "{:.0%}".format, skip_zero=False)
    ax.set_ylim(0, max(1.0, *(v for _, v in stats.kept_share_by_week)) * 1.3)
    ax.set_yticks([])


def _bars(
    ax: Axes,
    stats: MonthStats,
    weeks: Sequence[tuple[date, float]] | Sequence[tuple[date, int]],
    color: str,
    show: Callable[[Any], str],
    *,
    skip_zero: bool,
) -> None:
    """One bar per week over the week's days inside the window, its value written above."""
    for week, value in weeks:
        first = max(week, stats.start)
        last = min(week + timedelta(days=WEEK_DAYS - 1), stats.end)
        if last < first:
            continue
        span = (last - first).days + 1
        gap = BAR_GAP if span > 2 else BAR_GAP / 3  # a one-day sliver stays visible
        left = (first - stats.start).days - 0.5 + gap
        width = span - 2 * gap
        ax.bar(left, value, width=width, align="edge", color=color, linewidth=0)
        if value or not skip_zero:
            ax.text(
                left + width / 2,
                value,
                show(value),
                ha="center",
                va="bottom",
                fontsize=NOTE_SIZE,
                color=INK,
                **_LITERAL,
            )
