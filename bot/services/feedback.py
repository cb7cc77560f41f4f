"""/feedback: a learner reports an error in a lesson to the people who run the bot.

What reaches the operators is the lesson's id and title and the learner's own words,
never the learner's name or id: a report about content needs no identity, and the
learner was asked to leave clients out of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.content.model import Library
from bot.services.base import Service
from bot.store.engine import Database
from bot.store.queries.deliveries import latest_lesson_id

MAX_FEEDBACK_CHARACTERS = 1000


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    """One report, ready to send to each operator."""

    lesson_id: str | None
    lesson_title: str | None
    words: str
    operators: frozenset[int]


class Feedback(Service):
    """Builds reports; the operators are the bot's admins (``ATTUNE_ADMIN_IDS``)."""

    def __init__(
        self, db: Database, library: Library, clock: Clock, operators: frozenset[int]
    ) -> None:
        super().__init__(db, library, clock)
        self.operators = operators

    def report(self, learner_id: int, words: str) -> FeedbackReport:
        """A report about the learner's most recent lesson, in their words."""
        with self.db.session() as session:
            lesson_id = latest_lesson_id(session, learner_id)
        lesson = self.library.lessons.get(lesson_id) if lesson_id else None
        return FeedbackReport(
            lesson_id=lesson_id,
            lesson_title=lesson.title if lesson else None,
            words=words.strip()[:MAX_FEEDBACK_CHARACTERS],
            operators=self.operators,
        )
