"""Gentle streaks: scheduled days only, earned rest days, pauses, open days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.learning.streaks import MAX_REST_DAYS, ScheduledDay, compute_streak

MONDAY = date(2026, 3, 2)


def run(pattern: str, start: date = MONDAY, step: int = 1) -> list[ScheduledDay]:
    """'x' completed, '.' missed, 'e' excused (paused), one scheduled day each."""
    return [
        ScheduledDay(start + timedelta(days=i * step), c == "x", excused=c == "e")
        for i, c in enumerate(pattern)
    ]


def test_days_off_never_break_a_streak() -> None:
    days = run("xxxx", step=2)  # every other calendar day scheduled
    streak = compute_streak(days, MONDAY + timedelta(days=10))
    assert streak.current == 4 and streak.best == 4


def test_a_missed_day_without_rest_days_starts_again_gently() -> None:
    streak = compute_streak(run("xxx.xx"), MONDAY + timedelta(days=6))
    assert streak.current == 2 and streak.best == 3


def test_seven_days_earn_a_rest_day_that_covers_a_miss() -> None:
    streak = compute_streak(run("xxxxxxx.xx"), MONDAY + timedelta(days=10))
    assert streak.current == 9 and streak.rest_days == 0


def test_rest_days_are_capped_at_two() -> None:
    streak = compute_streak(run("x" * 28), MONDAY + timedelta(days=28))
    assert streak.rest_days == MAX_REST_DAYS


def test_today_unfinished_is_still_open() -> None:
    days = run("xx.")
    streak = compute_streak(days, days[-1].local_date)
    assert streak.current == 2


def test_paused_days_are_frozen() -> None:
    streak = compute_streak(run("xxeex"), MONDAY + timedelta(days=6))
    assert streak.current == 3


def test_late_completion_still_counts() -> None:
    """Effort counts: answering yesterday's quiz today repairs yesterday."""
    streak = compute_streak(run("xxx"), MONDAY + timedelta(days=30))
    assert streak.current == 3


@given(st.text(alphabet="x.e", max_size=60), st.integers(0, 80))
def test_a_streak_never_exceeds_the_completed_days(pattern: str, offset: int) -> None:
    days = run(pattern)
    streak = compute_streak(days, MONDAY + timedelta(days=offset))
    assert 0 <= streak.current <= streak.best <= streak.completed_days <= len(days)
    assert 0 <= streak.rest_days <= MAX_REST_DAYS
    assert streak.completed_days == pattern.count("x")


@given(st.text(alphabet="x.", max_size=40))
def test_order_of_rows_does_not_matter(pattern: str) -> None:
    days = run(pattern)
    today = MONDAY + timedelta(days=50)
    assert compute_streak(days, today) == compute_streak(list(reversed(days)), today)


def test_a_skipped_sensitive_lesson_costs_no_rest_day_and_grows_nothing() -> None:
    """A day skipped at its content note is excused: a rest day in hand stays in hand."""
    earned = compute_streak(run("xxxxxxx"), MONDAY + timedelta(days=7))
    assert earned.current == 7 and earned.rest_days == 1
    skipped = compute_streak(run("xxxxxxxe"), MONDAY + timedelta(days=8))
    assert skipped == earned
    then_done = compute_streak(run("xxxxxxxex"), MONDAY + timedelta(days=9))
    assert then_done.current == 8 and then_done.rest_days == 1
    missed = compute_streak(run("xxxxxxx."), MONDAY + timedelta(days=8))
    assert missed.current == 7 and missed.rest_days == 0, "a missed day would spend it"
