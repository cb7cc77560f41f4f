"""Finishing a track is marked, with the next tracks to consider; what follows is said
to be a review, never a silent restart."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import Harness
from tests.e2e.scenes import MONDAY_0730, joined, learner, lesson_messages

ANN, BEN = 7401, 7402


async def test_the_last_lesson_of_a_track_is_marked_and_reviews_are_named(
    harness: Harness,
) -> None:
    h = harness
    learner(h, ANN, "Ann")  # cultural humility: two lessons in the fixture library
    await h.move_to(MONDAY_0730)
    assert "You've finished" not in joined(await h.answer_quiz(ANN))
    await h.move_to(MONDAY_0730 + timedelta(days=1))
    closing = joined(await h.answer_quiz(ANN))
    assert "You've finished Cultural humility: all 2 lessons" in closing
    assert "• Burnout prevention" in closing and "/tracks adds one" in closing
    assert "marked “Review”" in closing
    await h.move_to(MONDAY_0730 + timedelta(days=2))
    assert "Review · Cultural humility" in lesson_messages(h, ANN)[-1]
    assert "You've finished" not in joined(await h.answer_quiz(ANN)), "marked once"


async def test_with_another_track_going_the_others_carry_on(harness: Harness) -> None:
    h = harness
    learner(h, BEN, "Ben", tracks=("cultural-humility", "burnout-prevention"))
    closings = []
    for day in range(4):
        await h.move_to(MONDAY_0730 + timedelta(days=day))
        closings.append(joined(await h.answer_quiz(BEN)))
    finished = [c for c in closings if "You've finished" in c]
    assert len(finished) == 2 and "other tracks carry on" in finished[0]
    assert "Tracks you might consider next" not in finished[1], "no track left to suggest"
