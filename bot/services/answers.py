"""Recording quiz answers and noticing when a day's lesson is complete.

A poll answer carries a user and a poll id but no chat, so the poll id is looked up in
``QuizPoll``. The day is complete when every question is answered, right or wrong:
effort counts, not score.

Answers are the bot's hottest write path (a whole cohort answers within minutes of a
lesson), so ``record`` uses SQLAlchemy Core on one connection rather than ORM objects:
one joined lookup, one insert, one guarded update, and two reads only when a day
completes. The statements are built once, with bound parameters, so their compiled form
is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, TypeAlias

from sqlalchemy import Connection, Integer, Row, bindparam, cast, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.content.model import Lesson
from bot.learning.streaks import Streak
from bot.services.base import Service
from bot.services.progress import streak_of
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


# The poll, its day and its learner in one round trip; no row means "not ours to count"
# (unknown poll, someone else's poll, or its delivery or learner gone).
# One row of _FIND_POLL: delivery, question, key, lesson, review?, chat, zone.
PollRow: TypeAlias = "Row[int, str, int, str, bool, int, str | None]"
_FIND_POLL = (
    # SQLAlchemy's select over col(...): SQLModel's typed overloads stop at four columns.
    sa_select(
        col(QuizPoll.delivery_id),
        col(QuizPoll.question_id),
        col(QuizPoll.correct_index),
        col(Delivery.lesson_id),
        col(Delivery.review),
        col(Learner.chat_id),
        col(Learner.zone),
    )
    .join(Delivery, col(Delivery.id) == col(QuizPoll.delivery_id))
    .join(Learner, col(Learner.id) == col(QuizPoll.learner_id))
    .where(
        col(QuizPoll.poll_id) == bindparam("poll_id"),
        col(QuizPoll.learner_id) == bindparam("learner_id"),
    )
)
_INSERT_ANSWER = insert(Answer)
# Completes the day only if it is still open and every question now has its answer; the
# count runs inside the write transaction, so two last answers cannot both complete it.
_COMPLETE_DAY = (
    update(Delivery)
    .where(
        col(Delivery.id) == bindparam("day"),
        col(Delivery.completed_at).is_(None),
        select(func.count()).where(col(Answer.delivery_id) == bindparam("day")).scalar_subquery()
        >= bindparam("questions"),
    )
    .values(completed_at=bindparam("now"))
)
_CORRECT = select(func.coalesce(func.sum(cast(col(Answer.correct), Integer)), 0)).where(
    col(Answer.delivery_id) == bindparam("day")
)


class Answers(Service):
    """Stores answers; the first answer to a question is the one that counts."""

    def record(self, poll_id: str, user_id: int, option_ids: list[int]) -> AnswerResult:
        """Store an answer; unknown, forged or repeated answers change nothing."""
        if len(option_ids) != 1:
            return AnswerResult(AnswerStatus.UNKNOWN)
        with self.db.engine.connect() as connection:
            found = connection.execute(
                _FIND_POLL, {"poll_id": poll_id, "learner_id": user_id}
            ).first()
            lesson = self._lesson_answered(found, option_ids[0])
            if found is None or lesson is None:
                return AnswerResult(AnswerStatus.UNKNOWN)
            now = self.clock.now()
            try:
                connection.execute(_INSERT_ANSWER, _answer_row(found, user_id, option_ids[0], now))
            except IntegrityError:  # closing the connection rolls the attempt back
                return AnswerResult(AnswerStatus.DUPLICATE, found.chat_id)
            summary = self._complete_if_done(connection, found, lesson, user_id, now)
            connection.commit()
        return AnswerResult(AnswerStatus.RECORDED, found.chat_id, summary)

    def _lesson_answered(self, found: PollRow | None, option: int) -> Lesson | None:
        """The poll's lesson, if it still has the question and ``option`` is one of its."""
        if found is None:
            return None
        lesson = self.library.lessons.get(found.lesson_id)
        question = lesson.question(found.question_id) if lesson is not None else None
        if question is None or not 0 <= option < len(question.options):
            return None
        return lesson

    def _complete_if_done(
        self, connection: Connection, found: PollRow, lesson: Lesson, user_id: int, now: datetime
    ) -> DaySummary | None:
        """Mark the day complete if this answer was its last; then summarise it."""
        day = found.delivery_id
        done = connection.execute(
            _COMPLETE_DAY, {"day": day, "questions": len(lesson.questions), "now": now}
        )
        if done.rowcount != 1:
            return None
        correct = connection.execute(_CORRECT, {"day": day}).scalar_one()
        streak = streak_of(connection, user_id, found.zone, now)
        return DaySummary(lesson.title, int(correct), len(lesson.questions), streak, found.review)


def _answer_row(found: PollRow, user_id: int, option: int, now: datetime) -> dict[str, Any]:
    """The ``Answer`` row for ``option``, as insert parameters."""
    return {
        "learner_id": user_id,
        "delivery_id": found.delivery_id,
        "lesson_id": found.lesson_id,
        "question_id": found.question_id,
        "option_index": option,
        "correct": option == found.correct_index,
        "answered_at": now,
    }
