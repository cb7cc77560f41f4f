"""Recording quiz answers and noticing when a day's lesson is complete.

A poll answer carries a user and a poll id but no chat, so the poll id is looked up in
``QuizPoll``. The day is complete when every question is answered, right or wrong:
effort counts, not score.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.learning.streaks import Streak
from bot.services.base import Service
from bot.services.progress import streak_for
from bot.store.models import Answer, Delivery, Learner, QuizPoll


class AnswerStatus(Enum):
    """How an incoming poll answer was treated."""

    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class DaySummary:
    """Shown when the last question of the day is answered."""

    lesson_title: str
    correct: int
    total: int
    streak: Streak
    review: bool


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """The outcome of one poll answer, with a summary if it completed the day."""

    status: AnswerStatus
    chat_id: int | None = None
    completed: DaySummary | None = None


class Answers(Service):
    """Stores answers; the first answer to a question is the one that counts."""

    def record(self, poll_id: str, user_id: int, option_ids: list[int]) -> AnswerResult:
        """Store an answer; unknown, forged or repeated answers change nothing."""
        with self.db.session() as session:
            poll = session.get(QuizPoll, poll_id)
            if poll is None or poll.learner_id != user_id or len(option_ids) != 1:
                return AnswerResult(AnswerStatus.UNKNOWN)
            delivery = session.get(Delivery, poll.delivery_id)
            learner = session.get(Learner, user_id)
            lesson = self.library.lessons.get(delivery.lesson_id) if delivery else None
            if delivery is None or learner is None or lesson is None:
                return AnswerResult(AnswerStatus.UNKNOWN)
            question = lesson.question(poll.question_id)
            if question is None or not 0 <= option_ids[0] < len(question.options):
                return AnswerResult(AnswerStatus.UNKNOWN)
            answer = Answer(
                learner_id=user_id,
                delivery_id=delivery.id,  # type: ignore[arg-type]
                lesson_id=lesson.id,
                question_id=question.id,
                option_index=option_ids[0],
                correct=option_ids[0] == poll.correct_index,
                answered_at=self.clock.now(),
            )
            try:
                with session.begin_nested():
                    session.add(answer)
            except IntegrityError:
                return AnswerResult(AnswerStatus.DUPLICATE, learner.chat_id)
            summary = self._complete_if_done(session, delivery, learner)
            return AnswerResult(AnswerStatus.RECORDED, learner.chat_id, summary)

    def _complete_if_done(
        self, session: Session, delivery: Delivery, learner: Learner
    ) -> DaySummary | None:
        lesson = self.library.lessons[delivery.lesson_id]
        rows = session.exec(select(Answer.correct).where(Answer.delivery_id == delivery.id)).all()
        if delivery.completed_at is not None or len(rows) < len(lesson.questions):
            return None
        delivery.completed_at = self.clock.now()
        session.add(delivery)
        session.flush()
        streak = streak_for(session, learner, self.clock.now())
        return DaySummary(lesson.title, sum(rows), len(lesson.questions), streak, delivery.review)
