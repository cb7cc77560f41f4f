"""The practice follow-up comes on the third lesson day after "I'll try it"."""

from __future__ import annotations

from datetime import date, timedelta

from bot.learning.practice import follow_up_due

MON = date(2026, 3, 2)


def days(*offsets: int) -> list[date]:
    return [MON + timedelta(days=n) for n in offsets]


def test_due_on_the_third_lesson_day_after_the_promise() -> None:
    served = days(0, 1, 2, 3, 4)
    due = [follow_up_due(MON, MON + timedelta(days=n), served, paused=False) for n in range(5)]
    assert due == [False, False, False, True, True]


def test_days_without_a_lesson_do_not_count() -> None:
    weekly = days(0, 7, 14, 21)
    assert not follow_up_due(MON, MON + timedelta(days=20), weekly, paused=False)
    assert not follow_up_due(MON, MON + timedelta(days=14), weekly, paused=False)
    assert follow_up_due(MON, MON + timedelta(days=21), weekly, paused=False)


def test_only_on_a_lesson_day_and_never_in_a_pause() -> None:
    served = days(0, 1, 2, 3)
    assert not follow_up_due(MON, MON + timedelta(days=3), served, paused=True)
    assert not follow_up_due(MON, MON + timedelta(days=5), served, paused=False)
    assert follow_up_due(MON, MON + timedelta(days=5), [*served, MON + timedelta(days=5)],
                         paused=False)  # fmt: skip


def test_the_number_of_days_is_configurable() -> None:
    served = days(0, 1)
    assert follow_up_due(MON, MON + timedelta(days=1), served, paused=False, after=1)
    assert not follow_up_due(MON, MON + timedelta(days=1), served, paused=False, after=2)
