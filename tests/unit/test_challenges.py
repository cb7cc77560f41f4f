"""Challenge rules: the day's lesson, and a board that rewards breadth, not binging."""

from __future__ import annotations

import math
import secrets
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.learning.challenges import (
    MemberDays,
    build_board,
    daily_completion,
    day_index,
    is_running,
    lesson_for_day,
    team_streak,
    valid_length,
)
from bot.learning.join_codes import ALPHABET, LENGTH, display, new_code, normalise


def member(days: set[int], name: str | None = None) -> MemberDays:
    return MemberDays(name, frozenset(days))


def test_days_and_lessons() -> None:
    start = date(2026, 3, 2)
    assert day_index(start, date(2026, 3, 4)) == 2
    assert is_running(start, 3, date(2026, 3, 4)) and not is_running(start, 3, date(2026, 3, 5))
    assert not is_running(start, 3, date(2026, 3, 1))
    assert lesson_for_day(["a", "b"], 0) == "a" and lesson_for_day(["a", "b"], 3) == "b"
    assert not valid_length(0) and not valid_length(400) and valid_length(14)


def test_the_board_counts_today_the_week_and_names_only_with_consent() -> None:
    members = [member({0, 1, 2}, "Ann"), member({0, 2}), member(set())]
    board = build_board(14, 2, members)
    assert (board.day, board.length, board.members, board.started) == (3, 14, 3, 2)
    assert board.done_today == 2 and board.active_this_week == 2
    assert board.named == (("Ann", 3),) and board.unnamed == 2


def test_people_who_have_not_started_do_not_drag_the_rate_down() -> None:
    keen = [member({0, 1}), member({0, 1})]
    assert build_board(7, 1, keen).completion_rate == 1.0
    assert build_board(7, 1, [*keen, member(set()), member(set())]).completion_rate == 1.0


def test_today_counts_once_done_and_missed_days_count_against() -> None:
    assert build_board(7, 2, [member({0, 1})]).completion_rate == 1.0  # today not done yet
    assert build_board(7, 2, [member({0})]).completion_rate == 0.5  # day 1 was missed
    assert build_board(7, 2, [member({0, 1, 2}), member({0})]).completion_rate == 0.8


def test_team_streak_counts_days_with_half_the_started_team() -> None:
    members = [member({0, 1, 2}), member({1, 2}), member({2})]
    assert team_streak(2, members) == 2  # day 0 had 1 of 3
    assert team_streak(3, members) == 2  # today not yet qualifying: counts up to yesterday
    assert team_streak(0, [member(set())]) == 0


def test_daily_completion() -> None:
    assert daily_completion(5, 2, [member({0, 2}), member({2})]) == [1, 0, 2]


@given(st.lists(st.frozensets(st.integers(0, 40), max_size=41), max_size=12), st.integers(0, 60))
def test_nobody_scores_more_than_one_lesson_a_day(days: list[frozenset[int]], today: int) -> None:
    members = [MemberDays(f"m{i}", d) for i, d in enumerate(days)]
    board = build_board(41, today, members)
    assert all(count <= 41 for _, count in board.named)
    assert 0.0 <= board.completion_rate <= 1.0
    assert board.done_today <= board.members and board.team_streak <= board.day


def test_join_codes_are_readable_and_hard_to_guess() -> None:
    assert LENGTH * math.log2(len(ALPHABET)) >= 40
    assert not set("0O1IL") & set(ALPHABET)
    code = new_code(secrets.choice)
    assert normalise(display(code).lower()) == code
    assert normalise(f"join-{code}") == code
    assert normalise("ABCDE") is None and normalise("ABCDE-0OIL1") is None
    assert len(f"join-{code}") <= 64
