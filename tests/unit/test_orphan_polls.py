"""The one question an unrecorded poll can be about, and when there is none to name."""

from __future__ import annotations

from bot.learning.orphan_polls import DaySending, orphan_question, unrecorded_questions

QUESTIONS = ("q1", "q2")


def day(
    delivery_id: int = 1,
    *,
    parts_sent: int = 0,
    part_in_flight: int | None = None,
    uncertain: bool = False,
) -> DaySending:
    return DaySending(delivery_id, QUESTIONS, parts_sent, part_in_flight, uncertain)


def test_the_poll_in_flight_is_the_one() -> None:
    assert orphan_question([day(parts_sent=2, part_in_flight=2)], {(1, "q1")}) == (1, "q2")


def test_a_part_sent_before_a_crash_is_the_one() -> None:
    assert orphan_question([day(parts_sent=3, uncertain=True)], {(1, "q1")}) == (1, "q2")


def test_a_recorded_poll_is_never_the_one() -> None:
    assert orphan_question([day(parts_sent=2, part_in_flight=2)], {(1, "q1"), (1, "q2")}) is None


def test_without_a_crash_sent_parts_all_have_records() -> None:
    """A settled day with a missing row (a deleted poll, say) is not matched by guess."""
    assert unrecorded_questions(day(parts_sent=3), set()) == []


def test_parts_not_sent_yet_are_not_candidates() -> None:
    """Part 0 is the lesson text: while it is in flight no poll has gone out."""
    assert unrecorded_questions(day(parts_sent=0, part_in_flight=0), set()) == []
    assert unrecorded_questions(day(parts_sent=1, uncertain=True), set()) == []


def test_two_candidates_name_none() -> None:
    assert orphan_question([day(parts_sent=3, uncertain=True)], set()) is None
    both = [day(1, parts_sent=2, part_in_flight=2), day(2, parts_sent=3, uncertain=True)]
    assert orphan_question(both, {(1, "q1"), (2, "q1")}) is None
