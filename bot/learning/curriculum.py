"""Which lesson a learner gets next: rotate through their tracks, in teaching order.

Interleaving tracks follows the retrieval-practice evidence the content brief cites; once
every chosen lesson has been taught, the least recently seen one returns as a review.

A lesson skipped at its content note ("Skip today") was not taught, so it is still fresh,
but it is held back for a while: it comes back once ``SKIP_RETURNS_AFTER_LESSONS`` other
lessons were served since the skip, or ``SKIP_RETURNS_AFTER_DAYS`` days have passed,
whichever is first. Either way never on the next lesson day, and never lost.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

SKIP_RETURNS_AFTER_LESSONS = 3
SKIP_RETURNS_AFTER_DAYS = 7


@dataclass(frozen=True, slots=True)
class Seen:
    """A lesson the learner has already been sent, oldest first in a history."""

    lesson_id: str
    track_id: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A lesson the learner chose to skip at its content note on local date ``on``."""

    lesson_id: str
    on: date


@dataclass(frozen=True, slots=True)
class Pick:
    """The chosen lesson; ``review`` when it has been taught before."""

    lesson_id: str
    track_id: str
    review: bool


def pick_next_lesson(
    track_lessons: Mapping[str, Sequence[str]],
    chosen: Sequence[str],
    history: Sequence[Seen],
    held: frozenset[str] = frozenset(),
) -> Pick | None:
    """Pick the next lesson for a learner who follows the ``chosen`` tracks.

    ``track_lessons`` maps each track id to its lesson ids in teaching order; tracks the
    library no longer has are ignored. The track after the one last taught goes first.
    ``held`` lessons (skipped recently, see ``held_back``) are neither taught nor reviewed.
    """
    tracks = [t for t in chosen if track_lessons.get(t)]
    if not tracks:
        return None
    taken = {item.lesson_id for item in history} | held
    last_track = history[-1].track_id if history else None
    start = (tracks.index(last_track) + 1) % len(tracks) if last_track in tracks else 0
    for step in range(len(tracks)):
        track_id = tracks[(start + step) % len(tracks)]
        fresh = next((lid for lid in track_lessons[track_id] if lid not in taken), None)
        if fresh is not None:
            return Pick(fresh, track_id, review=False)
    return _least_recent(track_lessons, tracks, history, held)


def _least_recent(
    track_lessons: Mapping[str, Sequence[str]],
    tracks: Sequence[str],
    history: Sequence[Seen],
    held: frozenset[str],
) -> Pick | None:
    """The chosen lesson whose most recent showing is the oldest; none if all are held."""
    last_seen = {item.lesson_id: index for index, item in enumerate(history)}
    candidates = [(lid, t) for t in tracks for lid in track_lessons[t] if lid not in held]
    if not candidates:
        return None
    lesson_id, track_id = min(candidates, key=lambda c: last_seen.get(c[0], -1))
    return Pick(lesson_id, track_id, review=True)


def finishes_track(
    track_lessons: Sequence[str], completed_before: Collection[str], lesson_id: str
) -> bool:
    """Does completing ``lesson_id`` now complete its track for the first time?

    ``completed_before`` are the lesson ids the learner had completed before this one.
    A lesson sent before but left unanswered, completed later as a review, counts when it
    is completed: finishing is about every lesson done, not the order they came in.
    """
    if lesson_id not in track_lessons or lesson_id in completed_before:
        return False
    return all(other in completed_before for other in track_lessons if other != lesson_id)


def held_back(
    skipped: Iterable[Skipped], served_on: Iterable[date], today: date
) -> frozenset[str]:
    """The skipped lessons not to offer yet on local date ``today``.

    ``served_on`` are the local dates of the lessons served and not skipped. Only the
    latest skip of a lesson counts: skipping it again starts the wait again.
    """
    latest: dict[str, date] = {}
    for item in skipped:
        latest[item.lesson_id] = max(item.on, latest.get(item.lesson_id, item.on))
    served = list(served_on)
    return frozenset(
        lesson_id
        for lesson_id, on in latest.items()
        if (today - on).days < SKIP_RETURNS_AFTER_DAYS
        and sum(day > on for day in served) < SKIP_RETURNS_AFTER_LESSONS
    )
