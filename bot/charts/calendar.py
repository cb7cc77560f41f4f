"""/progress: the last twelve weeks as a calendar of coloured squares."""

from __future__ import annotations

from datetime import timedelta

from matplotlib.patches import Patch, Rectangle

from bot.charts.drawing import INK, QUIET, new_figure, png
from bot.learning.heatmap import Calendar, DayMark

# Calm colours: a day not done is a soft tone, never an alarm (our readers are at risk
# of burnout themselves). Distinct in lightness too, for colour-blind readers.
COLOURS = {
    DayMark.DONE: "#2a9d8f",
    DayMark.REVIEWED: "#8ecae6",
    DayMark.REST: "#e9c46a",
    DayMark.PAUSED: "#cdb4db",
    DayMark.MISSED: "#f6d5c3",
    DayMark.OPEN: "#ffffff",
    DayMark.NONE: "#eef0f2",
    DayMark.FUTURE: "#ffffff",
}
LEGEND = (
    (DayMark.DONE, "lesson done"),
    (DayMark.REVIEWED, "reviewed"),
    (DayMark.REST, "rest day"),
    (DayMark.PAUSED, "paused"),
    (DayMark.MISSED, "not done"),
    (DayMark.NONE, "no lesson"),
)
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def calendar_png(calendar: Calendar) -> bytes:
    """The calendar as a PNG: weeks left to right, Monday at the top."""
    figure = new_figure(6.4, 2.9)
    axes = figure.add_subplot()
    weeks = len(calendar.marks)
    for week, marks in enumerate(calendar.marks):
        for weekday, mark in enumerate(marks):
            if mark is DayMark.FUTURE:
                continue
            edge = INK if mark is DayMark.OPEN else "white"
            axes.add_patch(
                Rectangle((week, weekday), 0.9, 0.9, facecolor=COLOURS[mark], edgecolor=edge)
            )
    axes.set_xlim(-0.2, weeks)
    axes.set_ylim(7.1, -0.2)
    axes.set_aspect("equal")
    axes.set_yticks([d + 0.45 for d in range(7)], WEEKDAYS, fontsize=7, color=QUIET)
    starts = [calendar.first_monday + timedelta(weeks=w) for w in range(weeks)]
    months = [(w, f"{day:%b}") for w, day in enumerate(starts) if w == 0 or day.day <= 7]
    axes.set_xticks([w + 0.45 for w, _ in months], [name for _, name in months], fontsize=7,
                    color=QUIET)  # fmt: skip
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    done = calendar.count(DayMark.DONE)
    axes.set_title(f"Your last {weeks} weeks: {done} lesson days done", fontsize=9, color=INK,
                   loc="left")  # fmt: skip
    handles = [Patch(facecolor=COLOURS[mark], label=label) for mark, label in LEGEND]
    figure.legend(handles=handles, loc="outside lower center", ncols=6, fontsize=7,
                  frameon=False, handlelength=1, columnspacing=1)  # fmt: skip
    return png(figure)
