"""A learner as values (``Profile``), and when such a learner hears from us next.

Both are pure: the services that own a transaction read the row and write the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.learning.schedule import Schedule, mask_to_days, next_due_after_move, next_due_at
from bot.store.models import Learner

ONBOARDING_STEPS = ("tracks", "time", "zone", "days")


@dataclass(frozen=True, slots=True)
class Profile:
    """What handlers and texts may know about a learner: values, not a live row."""

    id: int
    first_name: str
    tracks: tuple[str, ...]
    at: time | None
    zone: str | None
    days: frozenset[int]
    onboarded: bool
    pending_step: str | None
    status: str
    resume_on: date | None
    next_due_at: datetime | None

    @property
    def schedule(self) -> Schedule | None:
        """The delivery schedule, once time and zone are both chosen."""
        if self.at is None or self.zone is None:
            return None
        return Schedule(self.at, self.zone, self.days)


def profile_of(learner: Learner) -> Profile:
    """Snapshot a row so nothing outside a session touches the ORM object."""
    minute = learner.delivery_minute
    return Profile(
        id=learner.id,
        first_name=learner.first_name,
        tracks=tuple(t for t in learner.tracks.split(",") if t),
        at=None if minute is None else time(minute // 60, minute % 60),
        zone=learner.zone,
        days=mask_to_days(learner.days_mask),
        onboarded=learner.onboarded,
        pending_step=learner.pending_step,
        status=learner.status,
        resume_on=learner.resume_on,
        next_due_at=learner.next_due_at,
    )


def next_lesson_at(
    profile: Profile,
    now: datetime,
    last_served: Callable[[], date | None],
    *,
    moved_from: str | None = None,
) -> datetime | None:
    """When the learner's next lesson is due, from their choices, status and history.

    ``None`` while they are not set up, stopped, blocked or paused without an end date.
    ``last_served`` (the latest local day served) is asked only when the answer needs it,
    so a caller that must query for it does so only then. ``moved_from``: the zone the
    learner just left, when this is a move (which may owe today's lesson).
    """
    schedule = profile.schedule
    held = profile.status in ("stopped", "blocked") or (
        profile.status == "paused" and profile.resume_on is None
    )
    if not (profile.onboarded and profile.tracks and schedule is not None) or held:
        return None
    resume_on = profile.resume_on if profile.status == "paused" else None
    if moved_from is not None:
        return next_due_after_move(
            schedule, moved_from, now=now, last_delivered=last_served(), resume_on=resume_on
        )
    return next_due_at(schedule, now=now, last_delivered=last_served(), resume_on=resume_on)
