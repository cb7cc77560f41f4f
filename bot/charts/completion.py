"""/teamstats: each challenge day, how many completed it of the members it reached."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.ticker import MaxNLocator

from bot.charts.drawing import INK, QUIET, new_figure, png

DONE = "#2a9d8f"
REACHED = "#dfe7ea"


@dataclass(frozen=True, slots=True)
class DayBar:
    """One challenge day: its label, who completed it, and whom its lesson reached."""

    label: str
    done: int
    reached: int


def completion_png(bars: Sequence[DayBar], title: str) -> bytes:
    """Bars of completion over bars of reach, one pair per day (counts, never names)."""
    width = min(9.0, 3.2 + 0.28 * len(bars))
    figure = new_figure(width, 3.0)
    axes = figure.add_subplot()
    positions = range(len(bars))
    axes.bar(positions, [b.reached for b in bars], color=REACHED, width=0.8, label="reached")
    axes.bar(positions, [b.done for b in bars], color=DONE, width=0.8, label="completed")
    step = max(1, len(bars) // 10)
    shown = list(positions)[::step]
    axes.set_xticks(shown, [bars[i].label for i in shown], fontsize=7, color=QUIET)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="y", labelsize=7, colors=QUIET)
    axes.set_ylim(0, max([b.reached for b in bars] + [1]) * 1.1)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(title, fontsize=9, color=INK, loc="left")
    figure.legend(fontsize=7, frameon=False, loc="outside lower center", ncols=2)
    return png(figure)
