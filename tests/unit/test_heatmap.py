"""The progress calendar: each day's mark, on a grid of weeks from Monday."""

from __future__ import annotations

from datetime import date, timedelta

from bot.learning.heatmap import WEEKS, DayMark, build_calendar
from bot.learning.streaks import ScheduledDay

THU = date(2026, 5, 28)  # a Thursday


def day(offset: int, completed: bool = True, excused: bool = False) -> ScheduledDay:
    return ScheduledDay(THU + timedelta(days=offset), completed, excused)


def mark_of(calendar_marks: tuple[tuple[DayMark, ...], ...], first: date, on: date) -> DayMark:
    index = (on - first).days
    return calendar_marks[index // 7][index % 7]


def test_the_grid_is_twelve_weeks_from_a_monday_ending_this_week() -> None:
    calendar = build_calendar([], THU)
    assert len(calendar.marks) == WEEKS and all(len(week) == 7 for week in calendar.marks)
    assert calendar.first_monday.weekday() == 0
    assert calendar.first_monday == THU - timedelta(days=3 + 7 * 11)
    assert calendar.marks[-1][4:] == (DayMark.FUTURE,) * 3  # Friday to Sunday
    assert calendar.count(DayMark.NONE) == 7 * 12 - 3


def test_each_kind_of_day_gets_its_mark() -> None:
    served = [day(-n) for n in range(14, 7, -1)]  # seven done: a rest day earned
    served += [
        day(-7, completed=False),  # covered by the rest day
        day(-6, completed=False),  # missed
        day(-5, completed=False, excused=True),  # paused after it was sent
        day(0, completed=False),  # today, still open
    ]
    calendar = build_calendar(served, THU, reviewed={THU - timedelta(days=3)})

    def at(offset: int) -> DayMark:
        return mark_of(calendar.marks, calendar.first_monday, THU + timedelta(days=offset))

    assert at(-14) == at(-8) == DayMark.DONE
    assert at(-7) == DayMark.REST
    assert at(-6) == DayMark.MISSED
    assert at(-5) == DayMark.PAUSED
    assert at(-4) == DayMark.NONE
    assert at(-3) == DayMark.REVIEWED
    assert at(0) == DayMark.OPEN


def test_a_learner_paused_today_is_shown_paused_and_a_done_day_stays_done() -> None:
    assert build_calendar([], THU, paused_today=True).marks[-1][3] == DayMark.PAUSED
    reviewed_too = build_calendar([day(0)], THU, reviewed={THU})
    assert reviewed_too.marks[-1][3] == DayMark.DONE
