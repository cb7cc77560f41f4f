"""An answer to a quiz poll whose record the bot lost (or has not committed yet) counts.

The worker that sent the poll may die after Telegram took it and before its row was
committed; the part is then "uncertain", never sent again, and the learner still has the
poll. Or the vote reaches another worker while the row's commit is pending. Either way
the answer is matched to the one question that went out without a record.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlmodel import col, select

from bot.services.answers import AnswerStatus
from bot.store.models import Answer, Delivery, QuizPoll, ReviewItem, ReviewPoll
from tests.e2e.harness import Harness
from tests.e2e.scenes import MONDAY_0730, learner, services

pytestmark = pytest.mark.both_databases

ANN = 7101


def forget_poll(h: Harness, poll_id: str, **sending: object) -> None:
    """Delete the poll's row and set the day's sending state as a crash would leave it."""
    with services(h).db.session() as session:
        session.exec(delete(QuizPoll).where(col(QuizPoll.poll_id) == poll_id))
        session.exec(update(Delivery).values(**sending))


def answers(h: Harness) -> list[Answer]:
    with services(h).db.session() as session:
        return list(session.exec(select(Answer)).all())


@pytest.mark.parametrize("right", [True, False])
async def test_an_answer_to_a_poll_lost_in_a_crash_is_recorded(
    harness: Harness, right: bool
) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    first, second = h.open_polls(ANN)
    forget_poll(h, second.id, uncertain=True)
    summary = await h.answer_quiz(ANN, correct=right)
    recorded = answers(h)
    assert len(recorded) == 2, "the answer to the poll without a record was lost"
    assert all(a.correct is right for a in recorded)
    assert any("That's today done" in (m.text or "") for m in summary)


async def test_an_answer_before_the_polls_row_is_committed_is_recorded(
    harness: Harness,
) -> None:
    """The poll is in flight (marked before it went out); its row is not there yet."""
    h = harness
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    _, second = h.open_polls(ANN)
    forget_poll(h, second.id, part_in_flight=2, parts_sent=2)
    await h.answer_quiz(ANN)
    assert len(answers(h)) == 2


async def test_an_unknown_poll_is_left_alone_when_no_question_is_waiting(
    harness: Harness,
) -> None:
    """Every poll of the day has its row: a strange poll id is not ours to count."""
    h = harness
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    h.emulator.answer_poll(ANN, "forged-poll", [0], force=True)
    await h.settle()
    assert answers(h) == []


async def test_a_review_vote_is_never_taken_for_a_lost_lesson_poll(harness: Harness) -> None:
    """Review polls are not lesson parts: with a lesson question waiting for its lost
    poll, a vote on a review poll still goes to the review, not to that question."""
    h = harness
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    _, second = h.open_polls(ANN)
    forget_poll(h, second.id, uncertain=True)
    now = h.clock.now()
    with services(h).db.session() as session:
        item = ReviewItem(learner_id=ANN, lesson_id="x", question_id="q", state=1, created_at=now)
        session.add(item)
        session.flush()
        session.add(
            ReviewPoll(
                poll_id="review-1", item_id=item.id, learner_id=ANN, correct_index=0,
                option_order="0,1,2", sent_at=now,
            )
        )  # fmt: skip
    result = services(h).answers.record("review-1", ANN, [0])
    assert result.status is AnswerStatus.UNKNOWN
    assert answers(h) == []


async def test_two_polls_without_records_are_too_ambiguous_to_match(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    first, second = h.open_polls(ANN)
    forget_poll(h, first.id, uncertain=True)
    forget_poll(h, second.id, uncertain=True)
    await h.answer_quiz(ANN)
    assert answers(h) == [], "an answer was put on a question it may not be about"
