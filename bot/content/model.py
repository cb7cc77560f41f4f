"""The lesson library as immutable values, built once at start-up and shared read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property


@dataclass(frozen=True, slots=True)
class Source:
    """One registered work that lessons cite by id."""

    id: str
    authors: str
    year: int
    title: str
    published_in: str
    url: str

    def citation(self) -> str:
        """Render the full citation shown under a lesson."""
        return f"{self.authors} ({self.year}). {self.title}. {self.published_in}."


@dataclass(frozen=True, slots=True)
class Question:
    """A quiz question sent as a native Telegram quiz poll."""

    id: str
    text: str
    options: tuple[str, ...]
    correct_index: int
    explanation: str


class ReviewStatus(StrEnum):
    """Where a lesson stands in clinical review; shown to readers of the disclosure."""

    DRAFT = "draft-clinical-review"
    REVIEWED = "clinically-reviewed"


@dataclass(frozen=True, slots=True)
class Review:
    """Who last checked a lesson, and when it must be checked again.

    ``reviewed_by`` names a person or a role, never an invented credential: until a
    licensed clinician signs a lesson off it names the author role and the status stays
    draft. ``time_sensitive`` marks facts that change (phone options, guideline versions).
    """

    reviewed_by: str
    review_by: date
    status: ReviewStatus
    time_sensitive: bool = False


@dataclass(frozen=True, slots=True)
class Lesson:
    """A two-minute lesson: a short body, one practical takeaway and its quiz."""

    id: str
    track_id: str
    title: str
    body: str
    try_this: str
    questions: tuple[Question, ...]
    source_ids: tuple[str, ...]
    last_reviewed: date
    sensitive: bool = False
    content_note: str | None = None
    review: Review | None = None
    reflect: str | None = None

    def question(self, question_id: str) -> Question | None:
        """Find a question by its id within this lesson."""
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True, slots=True)
class Track:
    """A sequence of lessons on one theme, in teaching order."""

    id: str
    title: str
    description: str
    order: int
    core: bool
    lesson_ids: tuple[str, ...]
    objectives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Library:
    """Everything learners can be taught, validated and cross-referenced."""

    tracks: dict[str, Track]
    lessons: dict[str, Lesson]
    sources: dict[str, Source]

    @cached_property
    def lesson_ids_by_track(self) -> dict[str, tuple[str, ...]]:
        """Each track's lesson ids in teaching order, built once for the delivery hot path."""
        return {track_id: track.lesson_ids for track_id, track in self.tracks.items()}

    def ordered_tracks(self) -> list[Track]:
        """Tracks in menu order: core tracks first, then by their ``order``."""
        return sorted(self.tracks.values(), key=lambda t: (not t.core, t.order, t.id))

    def track_lessons(self, track_id: str) -> list[Lesson]:
        """A track's lessons in teaching order."""
        return [self.lessons[lesson_id] for lesson_id in self.tracks[track_id].lesson_ids]

    def sources_for(self, lesson: Lesson) -> list[Source]:
        """The registered sources a lesson cites, in the order it cites them."""
        return [self.sources[source_id] for source_id in lesson.source_ids]
