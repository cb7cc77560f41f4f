"""Spaced review: which due questions go out, recording them, and rescheduling on answer.

A review block is claimed (its items marked asked) before anything is sent, in one
transaction for a whole batch of deliveries, and the polls are recorded once Telegram
has them: a crash in between loses that day's review polls, never sends them twice, and
the items simply stay due. Reviews never touch a delivery, so they never change what
completes a day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from bot.clock import Clock
from bot.content.model import Library, Question
from bot.learning import review_pick, shuffle
from bot.learning.review_pick import DueItem, ReviewDay
from bot.learning.schedule import local_date
from bot.learning.spacing import DEFAULT_RETENTION, after_review
from bot.services.base import Service
from bot.store.engine import Database
from bot.store.queries import reviews as queries

# Every zone's "today" ends within this of now: fetch items due before it, then let the
# rule apply each learner's own end of day.
_LATEST_DAY_END = timedelta(hours=27)


@dataclass(frozen=True, slots=True)
class ReviewQuestion:
    """One review to send: the question, and the order to show its options in."""

    item_id: int
    question: Question
    order: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ReviewBlock:
    """The reviews one learner gets now."""

    learner_id: int
    chat_id: int
    questions: tuple[ReviewQuestion, ...]


@dataclass(frozen=True, slots=True)
class NothingDue:
    """``/review`` with nothing due: when the next one is (``None``: none yet)."""

    next_due: datetime | None
    zone: str
    today: date


@dataclass(frozen=True, slots=True)
class SentReview:
    """A review poll Telegram accepted."""

    poll_id: str
    item_id: int
    learner_id: int
    correct_index: int
    option_order: str


class Reviews(Service):
    """Choosing, recording and answering review questions."""

    def __init__(
        self,
        db: Database,
        library: Library,
        clock: Clock,
        *,
        retention: float = DEFAULT_RETENTION,
    ) -> None:
        super().__init__(db, library, clock)
        self.retention = retention

    def after_lessons(self, lessons: Iterable[tuple[int, str]]) -> dict[int, ReviewBlock]:
        """Claim the reviews that follow each ``(learner, today's lesson)``, by learner.

        One transaction for the batch: a read of the learners, a read of their due items
        (one index range each), and one write marking the chosen items asked.
        """
        lesson_of = dict(lessons)
        if not lesson_of:
            return {}
        now = self.clock.now()
        with self.db.engine.begin() as connection:
            people = queries.learners_for_review(connection, lesson_of)
            due = queries.due_items(connection, people, now + _LATEST_DAY_END)
            blocks: dict[int, ReviewBlock] = {}
            for learner_id, items in due.items():
                chat_id, zone, mask, status = people[learner_id]
                today = local_date(now, zone)
                picked = review_pick.after_lesson(
                    self._known(items),
                    ReviewDay.of(today, zone),
                    lesson_id=lesson_of[learner_id],
                    scheduled=bool(mask >> today.weekday() & 1),
                    paused=status != "active",
                )
                if picked:
                    blocks[learner_id] = self._block(learner_id, chat_id, picked)
            self._mark_asked(connection, blocks.values(), now)
        return blocks

    def now_for(self, learner_id: int) -> ReviewBlock | NothingDue | None:
        """``/review``: up to five due questions now, or when the next is due; ``None``
        for someone who never started."""
        now = self.clock.now()
        with self.db.engine.begin() as connection:
            people = queries.learners_for_review(connection, [learner_id])
            if learner_id not in people:
                return None
            chat_id, zone, _mask, _status = people[learner_id]
            today = local_date(now, zone)
            items = queries.due_items(connection, [learner_id], now + _LATEST_DAY_END)
            picked = review_pick.on_request(
                self._known(items.get(learner_id, [])), ReviewDay.of(today, zone)
            )
            if not picked:
                return NothingDue(queries.next_due(connection, learner_id), zone, today)
            block = self._block(learner_id, chat_id, picked)
            self._mark_asked(connection, [block], now)
        return block

    def record_sent(self, sent: list[SentReview]) -> None:
        """Store review polls Telegram accepted (many at once: a group commit)."""
        now = self.clock.now()
        rows = [
            {"poll_id": s.poll_id, "item_id": s.item_id, "learner_id": s.learner_id,
             "correct_index": s.correct_index, "option_order": s.option_order, "sent_at": now}
            for s in sent
        ]  # fmt: skip
        with self.db.engine.begin() as connection:
            queries.add_polls(connection, rows)

    def answer(self, poll_id: str, user_id: int, option_ids: list[int]) -> bool:
        """Store a review answer and reschedule its card; ``False`` if it is not an open
        review poll of this user (unknown, answered already, or retracted)."""
        if len(option_ids) != 1:
            return False
        option = option_ids[0]
        with self.db.engine.connect() as connection:
            found = queries.find_open_poll(connection, poll_id, user_id)
            lesson = self.library.lessons.get(found.lesson_id) if found else None
            question = lesson.question(found.question_id) if found and lesson else None
            if found is None or question is None or not 0 <= option < len(question.options):
                return False
            now, right = self.clock.now(), option == found.correct_index
            order = shuffle.decode(found.option_order, len(question.options))
            chosen = shuffle.option_at(order, option)
            if not queries.answer_poll(connection, poll_id, option=chosen, correct=right, now=now):
                return False
            card = after_review(queries.card_of(found), now, right, self.retention)
            queries.save_card(connection, found.id, card)
            connection.commit()
        return True

    def _known(self, items: list[DueItem]) -> list[DueItem]:
        """Items whose question is still in the library (a retired lesson is not asked)."""
        lessons = self.library.lessons
        return [
            item
            for item in items
            if item.lesson_id in lessons and lessons[item.lesson_id].question(item.question_id)
        ]

    def _block(self, learner_id: int, chat_id: int, picked: list[DueItem]) -> ReviewBlock:
        questions = []
        for item in picked:
            question = self.library.lessons[item.lesson_id].question(item.question_id)
            assert question is not None  # _known kept only questions still in the library
            occasion = shuffle.review_occasion(item.item_id, item.due)
            order = shuffle.option_order(learner_id, occasion, question.id, len(question.options))
            questions.append(ReviewQuestion(item.item_id, question, order))
        return ReviewBlock(learner_id, chat_id, tuple(questions))

    @staticmethod
    def _mark_asked(connection: Connection, blocks: Iterable[ReviewBlock], now: datetime) -> None:
        queries.mark_asked(connection, (q.item_id for b in blocks for q in b.questions), now)
