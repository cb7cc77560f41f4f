"""Naming a lesson's day when its quiz is answered: today's, or the day it belongs to."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.learning.days import DayName, name_lesson_day
from bot.learning.streaks import Streak
from bot.services.answers import DaySummary
from bot.telegram.texts import CLOSING_LINES, day_complete

FRIDAY = date(2026, 3, 6)


def test_a_late_answer_names_the_lesson_day() -> None:
    assert name_lesson_day(FRIDAY, FRIDAY) is DayName.TODAY
    assert name_lesson_day(FRIDAY, FRIDAY + timedelta(days=1)) is DayName.WEEKDAY
    assert name_lesson_day(FRIDAY, FRIDAY + timedelta(days=6)) is DayName.WEEKDAY
    assert name_lesson_day(FRIDAY, FRIDAY + timedelta(days=7)) is DayName.DATED
    assert name_lesson_day(FRIDAY, FRIDAY - timedelta(days=1)) is DayName.DATED  # zone moved


@given(st.dates(), st.integers(-400, 400))
def test_only_the_same_local_day_is_called_today(lesson_day: date, offset: int) -> None:
    try:
        today = lesson_day + timedelta(days=offset)
    except OverflowError:
        return
    name = name_lesson_day(lesson_day, today)
    assert (name is DayName.TODAY) == (offset == 0)
    assert (name is DayName.WEEKDAY) == (1 <= offset <= 6)


def summary(lesson_day: date, today: date) -> DaySummary:
    streak = Streak(current=3, best=3, rest_days=0, completed_days=3)
    return DaySummary("Repair after a rupture", 2, 2, streak, False, lesson_day, today)


def test_the_day_complete_message_never_calls_an_earlier_lesson_today() -> None:
    assert day_complete(summary(FRIDAY, FRIDAY)).startswith("That's today done: <b>Repair")
    saturday = day_complete(summary(FRIDAY, FRIDAY + timedelta(days=1)))
    assert (
        saturday.startswith("That's Friday's lesson done: <b>Repair") and "today" not in saturday
    )
    later = day_complete(summary(FRIDAY, FRIDAY + timedelta(days=9)))
    assert later.startswith("That's the lesson of Friday 6 March done")


def closing_of(message: str) -> str:
    return message.splitlines()[-1]


@given(st.integers(1, 10**12), st.dates(date(2000, 1, 1), date(2100, 1, 1)))
def test_two_lesson_days_in_a_row_never_close_with_the_same_line(
    learner_id: int, day: date
) -> None:
    first = closing_of(day_complete(summary(day, day), learner_id))
    second = closing_of(day_complete(summary(day + timedelta(days=1), day), learner_id))
    assert first in CLOSING_LINES and second in CLOSING_LINES and first != second
    assert first == closing_of(day_complete(summary(day, day), learner_id)), "deterministic"


def test_closing_lines_vary_across_a_week_and_never_say_today() -> None:
    week = {
        closing_of(day_complete(summary(FRIDAY + timedelta(days=n), FRIDAY), 8002))
        for n in range(7)
    }
    assert week == set(CLOSING_LINES)
    assert not any("today" in line.lower() for line in CLOSING_LINES)
