"""The progress calendar: what each of the last weeks' days was, as a grid to draw.

Columns are weeks (oldest first, each from Monday), rows are weekdays. A day is *done*
when its lesson was completed, *reviewed* when review questions were answered on it but
no lesson completed, *rest* when a rest day covered it, *paused* when a pause excused it
(or the learner is paused today), *missed* when its lesson went unanswered, *open* for
today's unfinished lesson, and *none* when no lesson was scheduled or served (days off,
before the learner started, and pauses taken before a lesson was sent). Gentle by
design: a day off is never a gap to fill.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.learning.streaks import ScheduledDay, rest_covered

WEEKS = 12


class DayMark(StrEnum):
    DONE = "done"
    REVIEWED = "reviewed"
    REST = "rest"
    PAUSED = "paused"
    MISSED = "missed"
    OPEN = "open"
    NONE = "none"
    FUTURE = "future"


@dataclass(frozen=True, slots=True)
class Calendar:
    """``marks[week][weekday]``: ``WEEKS`` weeks from ``first_monday``, Monday = 0."""

    first_monday: date
    today: date
    marks: tuple[tuple[DayMark, ...], ...]

    def count(self, mark: DayMark) -> int:
        """How many days carry ``mark``."""
        return sum(week.count(mark) for week in self.marks)


def build_calendar(
    days: Iterable[ScheduledDay],
    today: date,
    *,
    paused_today: bool = False,
    reviewed: Collection[date] = (),
    weeks: int = WEEKS,
) -> Calendar:
    """The grid for the ``weeks`` weeks ending with the one holding ``today``.

    ``days`` are the learner's served days (as the streak reads them); ``reviewed`` the
    local dates on which they answered review questions (empty until reviews exist).
    """
    served = {day.local_date: day for day in days}
    covered = rest_covered(served.values(), today)
    first_monday = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    marks = tuple(
        tuple(
            _mark(first_monday + timedelta(days=7 * w + d), today, served, covered,
                  paused_today, reviewed)
            for d in range(7)
        )
        for w in range(weeks)
    )  # fmt: skip
    return Calendar(first_monday, today, marks)


def _mark(
    day: date,
    today: date,
    served: dict[date, ScheduledDay],
    covered: frozenset[date],
    paused_today: bool,
    reviewed: Collection[date],
) -> DayMark:
    if day > today:
        return DayMark.FUTURE
    lesson = served.get(day)
    if lesson is not None and lesson.completed:
        return DayMark.DONE
    if day in reviewed:
        return DayMark.REVIEWED
    if (lesson is not None and lesson.excused) or (day == today and paused_today):
        return DayMark.PAUSED
    if lesson is None:
        return DayMark.NONE
    if day in covered:
        return DayMark.REST
    return DayMark.OPEN if day == today else DayMark.MISSED
