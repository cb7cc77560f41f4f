"""Deciding who gets which lesson now, and remembering exactly what was sent.

A delivery is *claimed* (a row per learner and local day, and ``next_due_at`` moved on)
in the same transaction, before anything is sent; then each part (the lesson text, each
quiz poll) is recorded as it goes out. A crash therefore resumes at the first unsent part
instead of starting the day again, and the unique day constraint makes a second claim for
the same local day impossible.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.content.model import Lesson
from bot.learning.challenges import lesson_for_day
from bot.learning.curriculum import Pick, Seen, pick_next_lesson
from bot.learning.schedule import local_date
from bot.services.base import Service
from bot.services.challenges import counting_challenge
from bot.services.profiles import profile_of, reschedule
from bot.store.models import Answer, Challenge, Delivery, Learner, QuizPoll, Team

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChallengeTag:
    """Shown with a challenge lesson; ``alternatives`` are other challenges that could count."""

    team_name: str
    day: int
    length: int
    alternatives: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One day's lesson to send; parts before ``parts_sent`` already went out."""

    delivery_id: int
    learner_id: int
    chat_id: int
    lesson: Lesson
    review: bool
    parts_sent: int
    answered: frozenset[str] = frozenset()
    challenge: ChallengeTag | None = None


@dataclass(frozen=True, slots=True)
class SentPoll:
    """What Telegram told us about a quiz poll we just sent."""

    poll_id: str
    question_id: str
    correct_index: int


class Deliveries(Service):
    """Claiming, sending bookkeeping and /today."""

    def claim_due(self, limit: int = 500) -> list[Outgoing]:
        """Claim up to ``limit`` learners whose next lesson is due now."""
        now = self.clock.now()
        query = (
            select(Learner)
            .where(col(Learner.next_due_at) <= now)
            .order_by(col(Learner.next_due_at))
            .limit(limit)
        )
        claimed: list[Outgoing] = []
        with self.db.session() as session:
            for learner in session.exec(query).all():
                outgoing = self._claim_scheduled(session, learner, now)
                if outgoing is not None:
                    claimed.append(outgoing)
        return claimed

    def unfinished(self, exclude: set[int]) -> list[Outgoing]:
        """Claimed deliveries whose sending stopped part-way (a crash, a network error).

        Those still on the learner's local day are resumed; older ones are closed, since a
        lesson that arrives a day late would double up with the next one.
        """
        now = self.clock.now()
        resumable: list[Outgoing] = []
        with self.db.session() as session:
            query = select(Delivery, Learner).join(Learner).where(Delivery.state == "claimed")
            for delivery, learner in session.exec(query).all():
                if delivery.id in exclude:
                    continue
                today = local_date(now, learner.zone or "UTC")
                retired = delivery.lesson_id not in self.library.lessons
                if learner.status != "active" or delivery.local_date != today or retired:
                    delivery.state = "expired"
                    session.add(delivery)
                    continue
                resumable.append(self._outgoing(session, delivery, learner))
        return resumable

    def today(self, learner_id: int) -> tuple[Outgoing, bool] | None:
        """Today's lesson for /today: ``(outgoing, already_sent)``; ``None`` if not set up.

        When today's lesson was already sent, it is shown again with only the questions
        not yet answered; otherwise it is claimed now, and the scheduled one moves on to
        the next scheduled day so the learner never gets two lessons for one day.
        """
        now = self.clock.now()
        with self.db.session() as session:
            learner = session.get(Learner, learner_id)
            if learner is None or not learner.onboarded or not learner.tracks:
                return None
            today = local_date(now, learner.zone or "UTC")
            existing = _delivery_on(session, learner_id, today)
            if existing is not None:
                return self._outgoing(session, existing, learner, resend=True), True
            outgoing = self._claim(session, learner, now)
            if outgoing is None:
                return None
            if learner.status == "paused":
                learner.status, learner.resume_on = "active", None
            reschedule(session, learner, now)
            return outgoing, False

    def part_sent(self, delivery_id: int, part: int, poll: SentPoll | None = None) -> None:
        """Record that part ``part`` (0 = lesson text, then one per question) went out."""
        with self.db.session() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None:
                return
            delivery.parts_sent = max(delivery.parts_sent, part + 1)
            session.add(delivery)
            if poll is not None:
                session.add(
                    QuizPoll(
                        poll_id=poll.poll_id,
                        delivery_id=delivery_id,
                        learner_id=delivery.learner_id,
                        question_id=poll.question_id,
                        correct_index=poll.correct_index,
                        sent_at=self.clock.now(),
                    )
                )

    def finish(self, delivery_id: int, state: str = "sent") -> None:
        """Close a delivery: ``sent``, or ``failed`` when Telegram refused it for good."""
        with self.db.session() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is not None:
                delivery.state = state
                session.add(delivery)

    def _claim_scheduled(
        self, session: Session, learner: Learner, now: datetime
    ) -> Outgoing | None:
        """Claim the learner's scheduled lesson, or skip a day that downtime swallowed."""
        zone = learner.zone or "UTC"
        slot_day = local_date(learner.next_due_at, zone)  # type: ignore[arg-type]
        if learner.status == "paused":
            learner.status, learner.resume_on = "active", None
        outgoing = None
        if slot_day == local_date(now, zone) and learner.status == "active":
            if _delivery_on(session, learner.id, slot_day) is None:
                outgoing = self._claim(session, learner, now)
        else:
            logger.info("skipping a lesson day missed during downtime for learner %s", learner.id)
        reschedule(session, learner, now)
        return outgoing

    def _claim(self, session: Session, learner: Learner, now: datetime) -> Outgoing | None:
        """Pick today's lesson and insert today's delivery row (savepoint-protected).

        A running team challenge decides the lesson; otherwise the learner's own tracks do.
        """
        today = local_date(now, learner.zone or "UTC")
        counting = counting_challenge(session, learner.id, today)
        track = self.library.tracks.get(counting.challenge.track_id) if counting else None
        if counting is not None and track is not None:
            lesson_id = lesson_for_day(track.lesson_ids, counting.index)
            pick: Pick | None = Pick(lesson_id, track.id, review=False)
        else:
            counting, pick = None, self._own_pick(session, learner)
        if pick is None:
            return None
        delivery = Delivery(
            learner_id=learner.id,
            local_date=today,
            lesson_id=pick.lesson_id,
            track_id=pick.track_id,
            review=pick.review,
            created_at=now,
            challenge_id=counting.challenge.id if counting else None,
            challenge_day=counting.index if counting else None,
        )
        try:
            with session.begin_nested():
                session.add(delivery)
        except IntegrityError:
            logger.info("learner %s already has a lesson for this day", learner.id)
            return None
        alternatives = counting.alternatives if counting and not counting.chosen else ()
        return self._outgoing(session, delivery, learner, fresh=True, alternatives=alternatives)

    def _own_pick(self, session: Session, learner: Learner) -> Pick | None:
        """The next lesson from the learner's own tracks, in rotation."""
        history = session.exec(
            select(Delivery.lesson_id, Delivery.track_id)
            .where(Delivery.learner_id == learner.id)
            .order_by(col(Delivery.local_date), col(Delivery.id))
        ).all()
        seen = [Seen(*row) for row in history]
        return pick_next_lesson(self.library.lesson_ids_by_track, profile_of(learner).tracks, seen)

    def _outgoing(
        self,
        session: Session,
        delivery: Delivery,
        learner: Learner,
        *,
        resend: bool = False,
        fresh: bool = False,
        alternatives: tuple[tuple[int, str], ...] = (),
    ) -> Outgoing:
        """What to send for ``delivery``; a ``fresh`` claim has no answers to look up."""
        answered = (
            ()
            if fresh
            else session.exec(
                select(Answer.question_id).where(Answer.delivery_id == delivery.id)
            ).all()
        )
        tag = None
        challenge = (
            session.get(Challenge, delivery.challenge_id) if delivery.challenge_id else None
        )
        if challenge is not None and delivery.challenge_day is not None:
            team = session.get(Team, challenge.team_id)
            name = team.name if team else ""
            tag = ChallengeTag(name, delivery.challenge_day + 1, challenge.days, alternatives)
        return Outgoing(
            delivery_id=delivery.id,  # type: ignore[arg-type]
            learner_id=learner.id,
            chat_id=learner.chat_id,
            lesson=self.library.lessons[delivery.lesson_id],
            review=delivery.review,
            parts_sent=0 if resend else delivery.parts_sent,
            answered=frozenset(answered),
            challenge=tag,
        )


def _delivery_on(session: Session, learner_id: int, day: date) -> Delivery | None:
    query = select(Delivery).where(Delivery.learner_id == learner_id, Delivery.local_date == day)
    return session.exec(query).first()
