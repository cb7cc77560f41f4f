"""Recording quiz answers and noticing when a day's lesson is complete.

A poll answer carries a user and a poll id but no chat, so the poll id is looked up in
``QuizPoll``, which also holds the order its options were shown in: the answer is stored
as the lesson's own option, never its place. The day is complete when every question is
answered, right or wrong: effort counts, not score.

Answers are the bot's hottest write path, so ``record`` works on one bare connection
with the precompiled statements of ``bot.store.queries.answers``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from sqlalchemy import Connection

from bot.clock import Clock
from bot.content.model import Lesson, Library, Question
from bot.learning import shuffle
from bot.learning.orphan_polls import DaySending, orphan_question
from bot.learning.schedule import local_date
from bot.learning.spacing import DEFAULT_RETENTION, first_answer
from bot.learning.streaks import Streak, compute_streak
from bot.services.base import Service
from bot.store.engine import Database
from bot.store.queries.answers import (
    PollRow,
    add_answer,
    complete_day,
    correct_answers,
    find_poll,
    insert_polls,
    poll_recorded,
    recent_sending,
    recorded_polls,
)
from bot.store.queries.deliveries import scheduled_days
from bot.store.queries.reviews import add_item

logger = logging.getLogger(__name__)

# How far back a poll without a record is looked for: a lesson's parts go out within
# minutes, but a day left uncertain by a crash can be answered the next day.
ORPHAN_WINDOW = timedelta(days=2)


class AnswerStatus(Enum):
    """How an incoming poll answer was treated."""

    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class DaySummary:
    """Shown when the last question of the day is answered.

    ``lesson_day`` is the delivery's local date and ``today`` the learner's date now: an
    answer after midnight completes that earlier day, not today.
    """

    lesson_title: str
    correct: int
    total: int
    streak: Streak
    review: bool
    lesson_day: date
    today: date
    lesson_id: str = ""
    delivery_id: int = 0


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """The outcome of one poll answer, with a summary if it completed the day."""

    status: AnswerStatus
    chat_id: int | None = None
    completed: DaySummary | None = None


class Answers(Service):
    """Stores answers; the first answer to a question is the one that counts.

    Each first answer also makes the learner's review item for the question (a wrong
    answer rates its card Again, a right one Good), in the same transaction.
    """

    def __init__(
        self,
        db: Database,
        library: Library,
        clock: Clock,
        *,
        review_retention: float = DEFAULT_RETENTION,
    ) -> None:
        super().__init__(db, library, clock)
        self.review_retention = review_retention

    def record(self, poll_id: str, user_id: int, option_ids: list[int]) -> AnswerResult:
        """Store an answer; unknown, forged or repeated answers change nothing."""
        if len(option_ids) != 1:
            return AnswerResult(AnswerStatus.UNKNOWN)
        option = option_ids[0]
        with self.db.engine.connect() as connection:
            found = find_poll(connection, poll_id, user_id)
            if found is None:
                # Matching locks the learner's days first, which waits for a sending
                # commit under way: its poll row may be there afterwards.
                self._adopt(connection, poll_id, user_id)
                found = find_poll(connection, poll_id, user_id)
            answered = self._question_answered(found, option)
            if found is None or answered is None:
                return AnswerResult(AnswerStatus.UNKNOWN)
            lesson, question = answered
            now = self.clock.now()
            order = shuffle.decode(found.option_order, len(question.options))
            right = option == found.correct_index
            added = add_answer(
                connection,
                learner_id=user_id,
                delivery_id=found.delivery_id,
                lesson_id=found.lesson_id,
                question_id=found.question_id,
                option_index=shuffle.option_at(order, option),
                correct=right,
                answered_at=now,
            )
            if not added:  # closing the connection rolls the attempt back
                return AnswerResult(AnswerStatus.DUPLICATE, found.chat_id)
            add_item(
                connection,
                learner_id=user_id,
                lesson_id=found.lesson_id,
                question_id=found.question_id,
                card=first_answer(now, right, self.review_retention),
                now=now,
            )
            summary = self._complete_if_done(connection, found, lesson, user_id, now)
            connection.commit()
        return AnswerResult(AnswerStatus.RECORDED, found.chat_id, summary)

    def _adopt(self, connection: Connection, poll_id: str, user_id: int) -> None:
        """Record ``poll_id`` as the one question of the learner's last days that went out
        (or may have) without a poll row (``learning.orphan_polls``), if there is one.

        The row is the one its sender writes: the options' order is drawn from the
        delivery, so the key's place comes out the same.
        """
        if poll_recorded(connection, poll_id):
            return  # most often a review poll: no lock taken for it
        now = self.clock.now()
        match = self._orphan(connection, user_id, now)
        if match is None or poll_recorded(connection, poll_id):
            return  # again: its sender may have committed it while we waited
        lesson, delivery_id, question_id = match
        question = lesson.question(question_id)
        assert question is not None
        occasion = shuffle.delivery_occasion(delivery_id)
        order = shuffle.option_order(user_id, occasion, question_id, len(question.options))
        poll = {
            "poll_id": poll_id,
            "delivery_id": delivery_id,
            "learner_id": user_id,
            "question_id": question_id,
            "correct_index": shuffle.position_of(order, question.correct_index),
            "option_order": shuffle.encode(order),
            "sent_at": now,
        }
        insert_polls(connection, [poll])
        logger.info("matched poll %s to delivery %d's %s", poll_id, delivery_id, question_id)

    def _orphan(
        self, connection: Connection, user_id: int, now: datetime
    ) -> tuple[Lesson, int, str] | None:
        """The lesson, delivery and question an unrecorded poll of this learner must be."""
        rows = recent_sending(connection, user_id, now - ORPHAN_WINDOW)
        lessons = {row.id: self.library.lessons.get(row.lesson_id) for row in rows}
        days = [
            DaySending(
                row.id,
                [question.id for question in lesson.questions],
                row.parts_sent,
                row.part_in_flight,
                row.uncertain,
            )
            for row in rows
            if (lesson := lessons[row.id]) is not None
        ]
        recorded = recorded_polls(connection, [day.delivery_id for day in days])
        match = orphan_question(days, recorded)
        if match is None:
            return None
        delivery_id, question_id = match
        lesson = lessons[delivery_id]
        assert lesson is not None
        return lesson, delivery_id, question_id

    def _question_answered(
        self, found: PollRow | None, option: int
    ) -> tuple[Lesson, Question] | None:
        """The poll's lesson and question, if it still has it and ``option`` is one of its
        places."""
        if found is None:
            return None
        lesson = self.library.lessons.get(found.lesson_id)
        question = lesson.question(found.question_id) if lesson is not None else None
        if lesson is None or question is None or not 0 <= option < len(question.options):
            return None
        return lesson, question

    def _complete_if_done(
        self, connection: Connection, found: PollRow, lesson: Lesson, user_id: int, now: datetime
    ) -> DaySummary | None:
        """Mark the day complete if this answer was its last; then summarise it."""
        day = found.delivery_id
        if not complete_day(connection, day, len(lesson.questions), now):
            return None
        correct = correct_answers(connection, day)
        days = scheduled_days(connection, user_id)
        today = local_date(now, found.zone or "UTC")
        streak = compute_streak(days, today)
        return DaySummary(
            lesson.title,
            correct,
            len(lesson.questions),
            streak,
            found.review,
            found.local_date,
            today,
            lesson.id,
            found.delivery_id,
        )
