"""The learner's progress: streak, rest days, lessons per track, quiz accuracy, and spaced
review (mastered questions, review accuracy, what is due)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from bot.learning.curriculum import finishes_track
from bot.learning.heatmap import Calendar, build_calendar
from bot.learning.review_pick import ReviewDay
from bot.learning.schedule import local_date
from bot.learning.streaks import Streak, compute_streak
from bot.services.base import Service
from bot.store.models import Learner
from bot.store.queries.answers import answer_totals
from bot.store.queries.deliveries import (
    completed_lesson_ids,
    lesson_of_delivery,
    lessons_completed_by_track,
    scheduled_days,
)
from bot.store.queries.reviews import review_answer_times, review_figures


@dataclass(frozen=True, slots=True)
class TrackProgress:
    """Distinct lessons completed out of the track's total."""

    track_id: str
    title: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class ReviewProgress:
    """Spaced review in /progress: mastered questions per track (title, count), review
    answers and how many were right, and how many questions are due today."""

    mastered: tuple[tuple[str, int], ...]
    reviews: int
    right: int
    due_now: int


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """Everything /progress shows."""

    streak: Streak
    tracks: tuple[TrackProgress, ...]
    answers: int
    correct: int
    reviews: ReviewProgress | None = None


@dataclass(frozen=True, slots=True)
class TrackFinished:
    """A track just finished: its title and length, and what to consider next."""

    title: str
    lessons: int
    next_tracks: tuple[str, ...]  # titles of tracks not chosen yet, in menu order
    more_chosen: bool  # the learner still has unfinished chosen tracks


class Progress(Service):
    """Reads progress; never writes."""

    def report(self, learner_id: int) -> ProgressReport | None:
        """The learner's progress, or ``None`` before their first /start."""
        now = self.clock.now()
        with self.db.session() as session:
            learner = session.get(Learner, learner_id)
            if learner is None:
                return None
            days = scheduled_days(session, learner_id)
            done_by_track = lessons_completed_by_track(session, learner_id)
            answers, correct = answer_totals(session, learner_id)
            today = local_date(now, learner.zone or "UTC")
            end_of_today = ReviewDay.of(today, learner.zone or "UTC").end
            figures = review_figures(session.connection(), learner_id, end_of_today)
        streak = compute_streak(days, today)
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
        return ProgressReport(streak, tracks, answers, correct, self._reviews(*figures))

    def _reviews(
        self, by_lesson: dict[str, int], reviews: int, right: int, due: int
    ) -> ReviewProgress:
        """Mastered questions summed per track, in menu order."""
        by_track: dict[str, int] = {}
        for lesson_id, count in by_lesson.items():
            lesson = self.library.lessons.get(lesson_id)
            if lesson is not None:
                by_track[lesson.track_id] = by_track.get(lesson.track_id, 0) + count
        mastered = tuple(
            (track.title, by_track[track.id])
            for track in self.library.ordered_tracks()
            if track.id in by_track
        )
        return ReviewProgress(mastered, reviews, right, due)

    def finished_track(self, learner_id: int, delivery_id: int) -> TrackFinished | None:
        """The track this completed delivery finished, if it finished one just now."""
        with self.db.session() as session:
            learner = session.get(Learner, learner_id)
            lesson_id = lesson_of_delivery(session, learner_id, delivery_id)
            if learner is None or lesson_id not in self.library.lessons:
                return None
            before = completed_lesson_ids(session, learner_id, delivery_id)
        track = self.library.tracks.get(self.library.lessons[lesson_id].track_id)
        if track is None or not finishes_track(track.lesson_ids, before, lesson_id):
            return None
        done = before | {lesson_id}
        chosen = [t for t in learner.tracks.split(",") if t in self.library.tracks]
        unfinished = [
            t for t in self.library.ordered_tracks()
            if not set(t.lesson_ids) <= done
        ]  # fmt: skip
        return TrackFinished(
            track.title,
            len(track.lesson_ids),
            tuple(t.title for t in unfinished if t.id not in chosen)[:3],
            any(t.id in chosen for t in unfinished),
        )

    def calendar(self, learner_id: int) -> Calendar | None:
        """The last twelve weeks, day by day, for the /progress picture."""
        now = self.clock.now()
        with self.db.session() as session:
            learner = session.get(Learner, learner_id)
            if learner is None:
                return None
            days = scheduled_days(session, learner_id)
            reviewed = self.reviewed_days(session, learner_id)
        today = local_date(now, learner.zone or "UTC")
        return build_calendar(
            days, today, paused_today=learner.status == "paused", reviewed=reviewed
        )

    def reviewed_days(self, session: Session, learner_id: int) -> frozenset[date]:
        """The learner's local dates (in today's zone) with an answered review question,
        over the calendar's twelve weeks."""
        learner = session.get(Learner, learner_id)
        zone = (learner.zone if learner else None) or "UTC"
        since = self.clock.now() - timedelta(weeks=13)
        times = review_answer_times(session.connection(), learner_id, since)
        return frozenset(local_date(at, zone) for at in times)
