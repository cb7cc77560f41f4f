"""Deciding who gets which lesson now, and remembering exactly what was sent.

A delivery is *claimed* (a row per learner and local day, and ``next_due_at`` moved on)
in the same transaction, before anything is sent, so the unique day constraint makes a
second claim for the same local day impossible. Then each part (the lesson text, each
quiz poll) is marked *in flight* before its request and *sent* after it.

Telegram has no idempotency key, so a crash while a part is in flight leaves it
uncertain: it has usually arrived. Resuming skips it (never a second copy) and ends with
a note offering the learner today's lesson again, so nothing is silently lost either.

A sensitive lesson is claimed as its content note (``bot.learning.content_notes``): the
note goes out alone, marked in flight like any part, and the lesson follows only when the
learner chooses "Show the lesson" (``choose``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.clock import Clock
from bot.content.model import Lesson, Library
from bot.learning.challenges import lesson_for_day
from bot.learning.content_notes import NOTE_DUE, NOTE_SENT, SKIPPED, NoteOutcome, answer_note
from bot.learning.curriculum import Pick, Seen, Skipped, held_back, pick_next_lesson
from bot.learning.schedule import local_date
from bot.services.base import Service
from bot.services.profiles import next_lesson_at, profile_of
from bot.store.engine import Database
from bot.store.models import Challenge, Delivery, Learner, Team, id_of
from bot.store.queries.answers import answered_question_ids
from bot.store.queries.challenges import counting_challenge, learners_in_challenges
from bot.store.queries.deliveries import (
    Served,
    adopt_unfinished,
    delivery_of,
    delivery_on,
    hand_back,
    last_served_day,
    past_deliveries,
    record_sending,
)
from bot.store.queries.learners import count_due, learners_due

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChallengeTag:
    """Shown with a challenge lesson; ``alternatives`` are other challenges that could count
    (set only when the learner should be asked which one counts)."""

    team_name: str
    day: int
    length: int
    alternatives: tuple[tuple[int, str], ...] = ()
    challenge_id: int = 0
    chosen: bool = False  # the learner chose this challenge (rather than it being first)


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
    uncertain: bool = False
    resend: bool = False
    due_at: datetime | None = None  # when a scheduled lesson fell due (for its lateness)
    note_first: bool = False  # a sensitive lesson: only its content note, with a choice


@dataclass(frozen=True, slots=True)
class NoteAnswer:
    """What a press on a content note's button did; ``outgoing`` is the lesson to send."""

    outcome: NoteOutcome
    outgoing: Outgoing | None = None


@dataclass(frozen=True, slots=True)
class SentPoll:
    """What Telegram told us about a quiz poll we just sent, and the order it showed.

    ``correct_index`` is the key's place as shown; ``option_order`` (``shuffle.encode``)
    maps each place back to the lesson's own option.
    """

    poll_id: str
    question_id: str
    correct_index: int
    option_order: str = ""


@dataclass(frozen=True, slots=True)
class SendingState:
    """Where sending one delivery stands; many are written together in one transaction.

    ``parts_sent`` counts the parts confirmed by Telegram, ``in_flight`` is the part whose
    request is about to go (or ``None``), and ``poll`` is a quiz poll just confirmed.
    Each state is written only while this worker is the delivery's ``sender``.
    """

    delivery_id: int
    learner_id: int
    parts_sent: int
    in_flight: int | None
    state: str = "claimed"
    poll: SentPoll | None = None
    update_row: bool = True
    running: bool = True  # ``False`` on the run's last record: the sender is cleared


class Deliveries(Service):
    """Claiming, sending bookkeeping and /today.

    ``worker`` is this process's id: a delivery it claims or resumes names it as the
    sender until its run ends, and no other worker touches it while this one is alive.
    """

    def __init__(self, db: Database, library: Library, clock: Clock, *, worker: str) -> None:
        super().__init__(db, library, clock)
        self.worker = worker

    def claim_due(self, limit: int = 500) -> list[Outgoing]:
        """Claim up to ``limit`` learners whose next lesson is due now.

        The batch is inserted in one flush; if a /today claim raced it for one learner's
        day (the unique constraint says so), the batch is redone one savepoint at a time.
        """
        try:
            return self._claim_batch(limit, guarded=False)
        except IntegrityError:
            logger.info("a lesson was claimed meanwhile; claiming one learner at a time")
            return self._claim_batch(limit, guarded=True)

    def _claim_batch(self, limit: int, *, guarded: bool) -> list[Outgoing]:
        now = self.clock.now()
        with self.db.session() as session:
            learners = learners_due(session, now, limit)
            past = past_deliveries(session, [learner.id for learner in learners])
            challenged = learners_in_challenges(session, [learner.id for learner in learners])
            claims = [
                self._claim_scheduled(
                    session, learner, now, past.get(learner.id, []), learner.id in challenged,
                    guarded=guarded,
                )
                for learner in learners
            ]  # fmt: skip
            session.flush()
            return [
                self._outgoing(session, c.delivery, c.learner, fresh=True, claim=c)
                for c in claims
                if c is not None
            ]

    def backlog(self) -> int:
        """Learners whose lesson is due now and not yet claimed (a metric for the tick)."""
        with self.db.session() as session:
            return count_due(session, self.clock.now())

    def unfinished(self) -> list[Outgoing]:
        """Claimed deliveries whose sending stopped part-way (a crash, a network error).

        Only those no live worker is sending: none, or one whose own lease ran out (it
        died; after a restart this process has a new id). They become this worker's.
        Those still on the learner's local day are resumed; older ones are closed, since a
        lesson that arrives a day late would double up with the next one.
        """
        now = self.clock.now()
        resumable: list[Outgoing] = []
        with self.db.session() as session:
            for delivery, learner in adopt_unfinished(session, self.worker, now):
                if delivery.part_in_flight is not None:
                    _settle_uncertain(delivery)
                today = local_date(now, learner.zone or "UTC")
                retired = delivery.lesson_id not in self.library.lessons
                if learner.status != "active" or delivery.local_date != today or retired:
                    delivery.state = "expired"
                if delivery.state in ("claimed", NOTE_DUE):
                    resumable.append(self._outgoing(session, delivery, learner))
                else:  # closed, or a note that may have arrived: nothing left to send
                    delivery.sender = None
                session.add(delivery)
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
            existing = delivery_on(session, learner_id, today)
            if existing is not None:
                return self._outgoing(session, existing, learner, resend=True), True
            claim = self._claim(session, learner, now, guarded=True)
            if claim is None:
                return None
            outgoing = self._outgoing(session, claim.delivery, learner, fresh=True, claim=claim)
            if learner.status == "paused":
                learner.status, learner.resume_on = "active", None
            learner.next_due_at = next_lesson_at(
                profile_of(learner), now, lambda: last_served_day(session, learner_id)
            )
            return outgoing, False

    def choose(self, learner_id: int, delivery_id: int, *, show: bool) -> NoteAnswer:
        """The learner's answer to a content note: "Show the lesson" or "Skip today".

        Showing turns the day into an ordinary claimed delivery (the lesson and its quiz,
        each part marked in flight as usual); skipping excuses the day from the streak and
        keeps the lesson out of what was taught, so it comes back later.
        """
        now = self.clock.now()
        with self.db.session() as session:
            found = delivery_of(session, delivery_id, learner_id)
            if found is None:
                return NoteAnswer(NoteOutcome.UNKNOWN)
            delivery, learner = found
            on_its_day = delivery.local_date == local_date(now, learner.zone or "UTC")
            outcome = answer_note(delivery.state, on_its_day, show=show)
            if outcome is NoteOutcome.SKIPPED:
                delivery.state, delivery.excused = SKIPPED, True
            elif outcome is NoteOutcome.SHOWN:
                delivery.state, delivery.excused, delivery.parts_sent = "claimed", False, 0
                delivery.sender = self.worker
            else:
                return NoteAnswer(outcome)
            session.add(delivery)
            session.flush()
            shown = outcome is NoteOutcome.SHOWN
            return NoteAnswer(
                outcome, self._outgoing(session, delivery, learner, fresh=True) if shown else None
            )

    def release(self, delivery_ids: list[int]) -> None:
        """This worker stopped sending these part-way: whoever sends next resumes them."""
        with self.db.engine.begin() as connection:
            hand_back(connection, self.worker, delivery_ids)

    def record(self, states: list[SendingState]) -> set[SendingState]:
        """Write the sending state of many deliveries in one transaction (a group commit).

        Returns the states not written: their delivery is no longer this worker's (it
        stalled past its lease and another took over), so the part must not be sent.
        """
        now = self.clock.now()
        rows = [
            {"p_id": p.delivery_id, "p_sent": p.parts_sent, "p_flight": p.in_flight,
             "p_state": p.state, "p_sender": self.worker if p.running else None}
            for p in states
            if p.update_row
        ]  # fmt: skip
        polls = [
            {"poll_id": p.poll.poll_id, "delivery_id": p.delivery_id,
             "learner_id": p.learner_id, "question_id": p.poll.question_id,
             "correct_index": p.poll.correct_index, "option_order": p.poll.option_order,
             "sent_at": now}
            for p in states
            if p.poll is not None
        ]  # fmt: skip
        with self.db.engine.begin() as connection:
            lost = record_sending(connection, self.worker, rows, polls)
        return {p for p in states if p.update_row and p.delivery_id in lost}

    def _claim_scheduled(
        self,
        session: Session,
        learner: Learner,
        now: datetime,
        history: list[Served],
        challenged: bool,
        *,
        guarded: bool,
    ) -> _Claim | None:
        """Claim the learner's scheduled lesson, or skip a day that downtime swallowed.

        ``history`` and ``challenged`` were read for the whole batch at once: per-learner
        queries were most of the bot's own cost per delivery (``bench/fanout.py``).
        """
        zone = learner.zone or "UTC"
        # The type: ignore below: only learners with a due time are claimed.
        slot_day = local_date(learner.next_due_at, zone)  # type: ignore[arg-type]
        if learner.status == "paused":
            learner.status, learner.resume_on = "active", None
        claim = None
        served = [row.local_date for row in history]
        if slot_day == local_date(now, zone) and learner.status == "active":
            if slot_day not in served:
                claim = self._claim(session, learner, now, history, challenged, guarded=guarded)
                if claim is not None:
                    served.append(slot_day)
                    claim = replace(claim, due_at=learner.next_due_at)
        else:
            logger.info("skipping a lesson day missed during downtime for learner %s", learner.id)
        learner.next_due_at = next_lesson_at(
            profile_of(learner), now, lambda: max(served, default=None)
        )
        return claim

    def _claim(
        self,
        session: Session,
        learner: Learner,
        now: datetime,
        history: list[Served] | None = None,
        challenged: bool = True,
        *,
        guarded: bool,
    ) -> _Claim | None:
        """Pick today's lesson and add today's delivery row.

        A running team challenge decides the lesson; otherwise the learner's own tracks do.
        ``guarded`` inserts at once inside a savepoint, so a day already served is skipped
        instead of failing the transaction; unguarded rows wait for the batch's flush.
        """
        today = local_date(now, learner.zone or "UTC")
        counting = counting_challenge(session, learner.id, today) if challenged else None
        track = self.library.tracks.get(counting.challenge.track_id) if counting else None
        if counting is not None and track is not None:
            lesson_id = lesson_for_day(track.lesson_ids, counting.index)
            pick: Pick | None = Pick(lesson_id, track.id, review=False)
        else:
            if history is None:
                history = past_deliveries(session, [learner.id]).get(learner.id, [])
            counting, pick = None, self._own_pick(learner, history, today)
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
            state=NOTE_DUE if self.library.lessons[pick.lesson_id].sensitive else "claimed",
            sender=self.worker,
        )
        if not guarded:
            session.add(delivery)
        else:
            try:
                with session.begin_nested():
                    session.add(delivery)
            except IntegrityError:
                logger.info("learner %s already has a lesson for this day", learner.id)
                return None
        if counting is None or not counting.ask:
            return _Claim(delivery, learner)
        return _Claim(delivery, learner, counting.alternatives, counting.chosen)

    def _own_pick(self, learner: Learner, history: list[Served], today: date) -> Pick | None:
        """The next lesson from the learner's own tracks, in rotation; a lesson skipped at
        its content note (or whose note went unanswered) was not taught, and waits a while
        before it is offered again."""
        shown = [row for row in history if row.taught]
        skips = [Skipped(row.lesson_id, row.local_date) for row in history if not row.taught]
        held = held_back(skips, [row.local_date for row in shown], today) if skips else frozenset()
        seen = [Seen(row.lesson_id, row.track_id) for row in shown]
        tracks = profile_of(learner).tracks
        return pick_next_lesson(self.library.lesson_ids_by_track, tracks, seen, held)

    def _outgoing(
        self,
        session: Session,
        delivery: Delivery,
        learner: Learner,
        *,
        resend: bool = False,
        fresh: bool = False,
        claim: _Claim | None = None,
    ) -> Outgoing:
        """What to send for ``delivery``; a ``fresh`` claim has no answers to look up, and
        may ask a learner in several challenges which one counts."""
        answered: list[str] = []
        if not fresh:
            answered = answered_question_ids(session, id_of(delivery))
        tag = None
        challenge = (
            session.get(Challenge, delivery.challenge_id) if delivery.challenge_id else None
        )
        if challenge is not None and delivery.challenge_day is not None:
            team = session.get(Team, challenge.team_id)
            name = team.name if team else ""
            tag = ChallengeTag(
                name,
                delivery.challenge_day + 1,
                challenge.days,
                claim.alternatives if claim else (),
                id_of(challenge),
                claim.chosen if claim else False,
            )
        return Outgoing(
            delivery_id=id_of(delivery),
            learner_id=learner.id,
            chat_id=learner.chat_id,
            lesson=self.library.lessons[delivery.lesson_id],
            review=delivery.review,
            parts_sent=0 if resend else delivery.parts_sent,
            answered=frozenset(answered),
            challenge=tag,
            uncertain=delivery.uncertain and not resend,
            resend=resend,
            due_at=claim.due_at if claim else None,
            note_first=delivery.state in (NOTE_DUE, NOTE_SENT, SKIPPED),
        )


def _settle_uncertain(delivery: Delivery) -> None:
    """A crash left a part in flight: count it as sent (it usually arrived), never resend.

    The learner is told at the end of the resumed delivery that part of today's lesson may
    be missing, with a button that shows it again. A content note in flight counts as
    asked: /today shows it again, with its buttons.
    """
    if delivery.state == NOTE_DUE:
        delivery.state, delivery.part_in_flight = NOTE_SENT, None
        return
    delivery.parts_sent = max(delivery.parts_sent, (delivery.part_in_flight or 0) + 1)
    delivery.part_in_flight = None
    delivery.uncertain = True


@dataclass(frozen=True, slots=True)
class _Claim:
    """A delivery row added for a learner; ``alternatives`` are the other challenges that
    could count, when the learner is to be asked (``chosen``: they chose this one)."""

    delivery: Delivery
    learner: Learner
    alternatives: tuple[tuple[int, str], ...] = ()
    chosen: bool = False
    due_at: datetime | None = None
