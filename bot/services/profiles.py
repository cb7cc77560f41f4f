"""Read-only views of a learner, and the scheduling rule applied to a stored row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func
from sqlmodel import Session, select

from bot.learning.schedule import Schedule, mask_to_days, next_due_at
from bot.store.models import Delivery, Learner

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


def last_delivered_date(session: Session, learner_id: int) -> date | None:
    """The latest local day this learner was served (none is served twice)."""
    query = select(func.max(Delivery.local_date)).where(Delivery.learner_id == learner_id)
    return session.exec(query).one()


def reschedule(
    session: Session, learner: Learner, now: datetime, served: list[date] | None = None
) -> None:
    """Recompute ``next_due_at`` from the learner's choices, status and history.

    ``served`` (the local days already served) saves the query when the caller has read
    the learner's history; ``None`` means it has not.
    """
    schedule = profile_of(learner).schedule
    deliverable = learner.onboarded and learner.tracks and schedule is not None
    held = learner.status in ("stopped", "blocked") or (
        learner.status == "paused" and learner.resume_on is None
    )
    if not deliverable or held:
        learner.next_due_at = None
    else:
        last = (
            last_delivered_date(session, learner.id)
            if served is None
            else max(served, default=None)
        )
        learner.next_due_at = next_due_at(
            schedule,  # type: ignore[arg-type]
            now=now,
            last_delivered=last,
            resume_on=learner.resume_on if learner.status == "paused" else None,
        )
    session.add(learner)
