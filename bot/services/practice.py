"""A lesson's practice, followed up: "I'll try it", then a few lesson days later one tap
on how it went.

The follow-up is asked with the lesson of the day it falls due (``learning.practice``),
so it never arrives on a day off or in a pause. It is marked asked before it is sent: a
crash may lose one question, never repeat it. For a team challenge the team sees how
many tried each practice, never who.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.content.model import Library
from bot.learning.practice import FOLLOW_UP_AFTER, follow_up_due
from bot.learning.schedule import local_date
from bot.services.base import Service
from bot.store.engine import Database
from bot.store.models import Delivery, PracticeCommitment
from bot.store.queries.practice import (
    ASKED,
    commitment_for,
    lesson_days_since,
    open_commitments,
    tried_in_challenge,
)

OUTCOMES = ("tried", "not_yet", "no_fit")


@dataclass(frozen=True, slots=True)
class PracticeView:
    """A practice the learner took on (or answered about)."""

    delivery_id: int
    lesson_title: str
    try_this: str
    state: str
    after: int  # lesson days before the follow-up
    already: bool = False  # the same tap was made before


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A follow-up to send now."""

    chat_id: int
    practice: PracticeView


@dataclass(frozen=True, slots=True)
class TriedShare:
    """How many of those a challenge lesson reached tried its practice (never who)."""

    lesson_title: str
    day: int
    tried: int
    reached: int


class Practice(Service):
    """Commitments to try a practice, their follow-ups and the team's share."""

    def __init__(
        self, db: Database, library: Library, clock: Clock, after: int = FOLLOW_UP_AFTER
    ) -> None:
        super().__init__(db, library, clock)
        self.after = after

    def commit(self, learner_id: int, delivery_id: int) -> PracticeView | None:
        """ "I'll try it" for the lesson of one of the learner's deliveries (once)."""
        with self.db.session() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None or delivery.learner_id != learner_id:
                return None
            if delivery.lesson_id not in self.library.lessons:
                return None
            found = commitment_for(session, learner_id, delivery_id)
            if found is not None:
                return self._view(found, already=True)
            commitment = PracticeCommitment(
                learner_id=learner_id,
                delivery_id=delivery_id,
                lesson_id=delivery.lesson_id,
                committed_on=delivery.local_date,
                challenge_id=delivery.challenge_id,
                created_at=self.clock.now(),
            )
            session.add(commitment)
            return self._view(commitment)

    def due_follow_ups(self, learner_ids: list[int]) -> list[FollowUp]:
        """Follow-ups due for these learners (just served a lesson), marked asked."""
        if not learner_ids:
            return []
        now = self.clock.now()
        due: list[FollowUp] = []
        with self.db.session() as session:
            rows = open_commitments(session, learner_ids)
            if not rows:
                return []
            since = min(commitment.committed_on for commitment, _ in rows)
            served = lesson_days_since(session, [learner.id for _, learner in rows], since)
            for commitment, learner in rows:
                today = local_date(now, learner.zone or "UTC")
                paused = learner.status != "active"
                days = served.get(learner.id, [])
                if commitment.lesson_id not in self.library.lessons:
                    continue
                if follow_up_due(
                    commitment.committed_on, today, days, paused=paused, after=self.after
                ):
                    commitment.state = ASKED
                    session.add(commitment)
                    due.append(FollowUp(learner.chat_id, self._view(commitment)))
        return due

    def answer(self, learner_id: int, delivery_id: int, outcome: str) -> PracticeView | None:
        """Tried it, not yet, or doesn't fit: the latest tap stands (plans change)."""
        if outcome not in OUTCOMES:
            raise ValueError(outcome)
        with self.db.session() as session:
            commitment = commitment_for(session, learner_id, delivery_id)
            if commitment is None or commitment.lesson_id not in self.library.lessons:
                return None
            already = commitment.state == outcome
            commitment.state, commitment.answered_at = outcome, self.clock.now()
            session.add(commitment)
            return self._view(commitment, already=already)

    def tried_shares(self, challenge_id: int) -> tuple[TriedShare, ...]:
        """For /team and /teamstats: per followed-up challenge lesson, how many tried it."""
        with self.db.session() as session:
            rows = tried_in_challenge(session, challenge_id)
        return tuple(
            TriedShare(self.library.lessons[lesson_id].title, day + 1, tried, reached)
            for lesson_id, day, tried, reached in rows
            if lesson_id in self.library.lessons
        )

    def _view(self, commitment: PracticeCommitment, *, already: bool = False) -> PracticeView:
        lesson = self.library.lessons[commitment.lesson_id]
        return PracticeView(
            commitment.delivery_id, lesson.title, lesson.try_this, commitment.state,
            self.after, already,
        )  # fmt: skip
