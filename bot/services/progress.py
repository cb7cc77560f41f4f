"""The learner's progress: streak, rest days, lessons per track and quiz accuracy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Integer, bindparam, cast, func
from sqlmodel import Session, col, select

from bot.learning.schedule import local_date
from bot.learning.streaks import ScheduledDay, Streak, compute_streak
from bot.services.base import Service
from bot.store.models import Answer, Delivery, Learner


@dataclass(frozen=True, slots=True)
class TrackProgress:
    """Distinct lessons completed out of the track's total."""

    track_id: str
    title: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """Everything /progress shows."""

    streak: Streak
    tracks: tuple[TrackProgress, ...]
    answers: int
    correct: int


_HISTORY = select(
    col(Delivery.local_date), col(Delivery.completed_at), col(Delivery.excused)
).where(Delivery.learner_id == bindparam("learner_id"))


def streak_for(session: Session, learner: Learner, now: datetime) -> Streak:
    """Replay the learner's delivery history into a streak."""
    return streak_of(session.connection(), learner.id, learner.zone, now)


def streak_of(connection: Connection, learner_id: int, zone: str | None, now: datetime) -> Streak:
    """``streak_for`` on a bare connection, for callers that hold no ``Learner`` object."""
    rows = connection.execute(_HISTORY, {"learner_id": learner_id}).all()
    days = [ScheduledDay(day, done is not None, excused) for day, done, excused in rows]
    return compute_streak(days, local_date(now, zone or "UTC"))


class Progress(Service):
    """Reads progress; never writes."""

    def report(self, learner_id: int) -> ProgressReport | None:
        """The learner's progress, or ``None`` before their first /start."""
        with self.db.session() as session:
            learner = session.get(Learner, learner_id)
            if learner is None:
                return None
            streak = streak_for(session, learner, self.clock.now())
            done = session.exec(
                select(Delivery.track_id, func.count(func.distinct(Delivery.lesson_id)))
                .where(Delivery.learner_id == learner_id, col(Delivery.completed_at).is_not(None))
                .group_by(Delivery.track_id)
            ).all()
            answers, correct = session.exec(
                select(
                    func.count(), func.coalesce(func.sum(cast(Answer.correct, Integer)), 0)
                ).where(Answer.learner_id == learner_id)
            ).one()
        done_by_track = dict(done)
        chosen = [t for t in learner.tracks.split(",") if t in self.library.tracks]
        shown = [t for t in self.library.tracks if t in chosen or t in done_by_track]
        tracks = tuple(
            TrackProgress(
                t,
                self.library.tracks[t].title,
                done_by_track.get(t, 0),
                len(self.library.tracks[t].lesson_ids),
            )
            for t in sorted(shown, key=lambda t: self.library.tracks[t].order)
        )
        return ProgressReport(streak, tracks, int(answers), int(correct))
