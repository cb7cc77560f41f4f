"""Lesson rotation across tracks, in teaching order, then review."""

from __future__ import annotations

from bot.learning.curriculum import Pick, Seen, finishes_track, pick_next_lesson

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
