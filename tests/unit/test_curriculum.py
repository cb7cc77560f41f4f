"""Lesson rotation across tracks, in teaching order, then review."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.learning.curriculum import (
    SKIP_RETURNS_AFTER_DAYS,
    SKIP_RETURNS_AFTER_LESSONS,
    Pick,
    Seen,
    Skipped,
    finishes_track,
    held_back,
    pick_next_lesson,
)

TRACKS = {"a": ["a1", "a2"], "b": ["b1"], "c": ["c1", "c2"]}


def test_first_lesson_comes_from_the_first_chosen_track() -> None:
    assert pick_next_lesson(TRACKS, ["a", "b"], []) == Pick("a1", "a", review=False)


def test_tracks_rotate_in_teaching_order() -> None:
    history = [Seen("a1", "a")]
    assert pick_next_lesson(TRACKS, ["a", "b"], history) == Pick("b1", "b", False)
    history.append(Seen("b1", "b"))
    assert pick_next_lesson(TRACKS, ["a", "b"], history) == Pick("a2", "a", False)


def test_a_finished_track_is_passed_over() -> None:
    history = [Seen("a1", "a"), Seen("b1", "b")]
    assert pick_next_lesson(TRACKS, ["b", "a"], history) == Pick("a2", "a", False)


def test_when_everything_is_taught_the_least_recent_returns_as_review() -> None:
    history = [Seen("b1", "b"), Seen("a1", "a"), Seen("a2", "a")]
    assert pick_next_lesson(TRACKS, ["a", "b"], history) == Pick("b1", "b", review=True)


def test_no_known_track_means_no_lesson() -> None:
    assert pick_next_lesson(TRACKS, ["gone"], []) is None
    assert pick_next_lesson(TRACKS, [], []) is None


def test_a_track_is_finished_by_its_last_lesson_not_yet_completed_once() -> None:
    track = ["a1", "a2", "a3"]
    assert finishes_track(track, {"a1", "a2"}, "a3")
    assert finishes_track(track, {"a1", "a3", "b1"}, "a2"), "a missed lesson, done later"
    assert not finishes_track(track, {"a1"}, "a3"), "one still to do"
    assert not finishes_track(track, {"a1", "a2", "a3"}, "a3"), "a review finishes nothing"
    assert not finishes_track(track, {"a1", "a2", "a3"}, "b1"), "another track's lesson"


# -- a lesson skipped at its content note ------------------------------------------------
SKIP_DAY = date(2026, 3, 4)


def later(days: int) -> date:
    return SKIP_DAY + timedelta(days=days)


def test_a_skipped_lesson_is_held_until_three_other_lessons_were_served() -> None:
    skipped = [Skipped("a1", SKIP_DAY)]
    for served in ([], [later(1)], [later(1), later(2)]):
        assert held_back(skipped, served, later(len(served) + 1)) == {"a1"}, served
    assert held_back(skipped, [later(1), later(2), later(3)], later(4)) == frozenset()


def test_or_until_a_week_has_passed() -> None:
    skipped = [Skipped("a1", SKIP_DAY)]
    assert held_back(skipped, [], later(6)) == {"a1"}
    assert held_back(skipped, [], later(SKIP_RETURNS_AFTER_DAYS)) == frozenset()


def test_the_latest_skip_counts_and_earlier_lessons_do_not() -> None:
    skipped = [Skipped("a1", SKIP_DAY), Skipped("a1", later(4))]
    served = [SKIP_DAY - timedelta(days=1), later(1), later(2), later(3)]
    assert held_back(skipped, served, later(5)) == {"a1"}


@given(st.integers(0, 30), st.integers(0, 10))
def test_a_skipped_lesson_never_returns_the_next_lesson_day(gap: int, others: int) -> None:
    """Whatever happened since, the first lesson day after a skip never offers it again."""
    skipped = [Skipped("a1", SKIP_DAY)]
    next_day = later(max(gap, 1))
    assert held_back(skipped, [], next_day) == ({"a1"} if gap < 7 else frozenset())
    served = [later(1 + i) for i in range(others)]
    if others < SKIP_RETURNS_AFTER_LESSONS:
        assert held_back(skipped, served, later(others + 1)) == {"a1"}


def test_a_held_lesson_is_passed_over_for_the_next_fresh_one_then_taught_in_its_turn() -> None:
    held = frozenset({"a1"})
    assert pick_next_lesson(TRACKS, ["a", "b"], [], held) == Pick("a2", "a", False)
    assert pick_next_lesson(TRACKS, ["a", "b"], []) == Pick("a1", "a", False)


def test_a_held_lesson_is_not_reviewed_either() -> None:
    history = [Seen("a1", "a"), Seen("b1", "b"), Seen("a2", "a")]
    assert pick_next_lesson(TRACKS, ["a", "b"], history, frozenset({"b1"})) == Pick(
        "a1", "a", review=True
    )
    assert pick_next_lesson({"a": ["a1"]}, ["a"], [], frozenset({"a1"})) is None
