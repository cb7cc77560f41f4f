"""Which due review questions a learner gets, after a lesson or when they ask.

A review block is a small addition to a two-minute habit, not a second lesson: at most
``AFTER_LESSON`` questions after the day's lesson, only on the learner's scheduled days,
never during a pause, never a question from the lesson just taught (that is not spacing),
oldest due first so nothing waits for ever. ``/review`` asks for up to ``ON_REQUEST``.

An item counts as due on a day when FSRS's due instant falls before the day ends in the
learner's zone: a miss at 07:35 on Monday is due on Tuesday, even at 07:30. An item
already asked today (sent, not yet answered) is not asked again the same day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.learning.schedule import slot_instant

AFTER_LESSON = 2
ON_REQUEST = 5


@dataclass(frozen=True, slots=True)
class DueItem:
    """A review item as the choice needs it."""

    item_id: int
    lesson_id: str
    question_id: str
    due: datetime
    asked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReviewDay:
    """The learner's local day, as instants: reviews due before ``end`` are due today."""

    start: datetime
    end: datetime

    @classmethod
    def of(cls, day: date, zone: str) -> ReviewDay:
        return cls(
            slot_instant(day, time(0), zone), slot_instant(day + timedelta(days=1), time(0), zone)
        )


def due_today(items: Iterable[DueItem], day: ReviewDay) -> list[DueItem]:
    """Items due by the end of the day and not already asked today, oldest due first."""
    due = [
        item
        for item in items
        if item.due < day.end and (item.asked_at is None or item.asked_at < day.start)
    ]
    return sorted(due, key=lambda item: (item.due, item.item_id))


def after_lesson(
    items: Iterable[DueItem],
    day: ReviewDay,
    *,
    lesson_id: str,
    scheduled: bool,
    paused: bool,
    limit: int = AFTER_LESSON,
) -> list[DueItem]:
    """The reviews that follow today's lesson ``lesson_id`` (none off-schedule or paused)."""
    if not scheduled or paused:
        return []
    return [item for item in due_today(items, day) if item.lesson_id != lesson_id][:limit]


def on_request(items: Iterable[DueItem], day: ReviewDay, limit: int = ON_REQUEST) -> list[DueItem]:
    """What ``/review`` asks now: the oldest due, whatever the day."""
    return due_today(items, day)[:limit]
