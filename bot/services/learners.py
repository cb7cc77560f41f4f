"""Enrolment and choices: onboarding, settings, pause, stop, blocked.

Every change that affects delivery ends in ``_reschedule``, so ``next_due_at`` in the
database is always the one truth about when a learner hears from us next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta

from sqlmodel import Session

from bot.learning.names import visible_name
from bot.learning.schedule import days_to_mask, local_date, mask_to_days, pause_end
from bot.services.base import Service
from bot.services.profiles import ONBOARDING_STEPS, Profile, next_lesson_at, profile_of
from bot.store.models import Learner
from bot.store.queries.deliveries import delivery_on, excuse_open_days, last_served_day
from bot.store.queries.learners import locked_learner

MAX_PAUSE_DAYS = 365

Change = Callable[[Session, Learner], None]


@dataclass(frozen=True, slots=True)
class StartResult:
    """What /start found: a new learner, a returning one, or one coming back."""

    profile: Profile
    is_new: bool
    reactivated: bool


@dataclass(frozen=True, slots=True)
class StepResult:
    """The learner after a choice, and whether that choice finished onboarding."""

    profile: Profile
    finished_onboarding: bool
    step: str = ""  # which setting was saved: tracks, time, zone or days


class Learners(Service):
    """Everything a learner can choose about their own learning."""

    def get(self, learner_id: int) -> Profile | None:
        """The learner's current profile, or ``None`` before their first /start."""
        with self.db.session() as session:
            learner = session.get(Learner, learner_id)
            return profile_of(learner) if learner else None

    def start(self, learner_id: int, chat_id: int, first_name: str) -> StartResult:
        """Enrol a new learner or welcome one back; never loses progress."""
        with self.db.session() as session:
            learner = locked_learner(session, learner_id)
            is_new = learner is None
            if learner is None:
                # No days chosen yet (0), so a typed /days is known to be an answer.
                learner = Learner(
                    id=learner_id, chat_id=chat_id, created_at=self.clock.now(), days_mask=0
                )
            reactivated = learner.status in ("stopped", "blocked")
            learner.chat_id, learner.first_name = chat_id, visible_name(first_name)
            if reactivated:
                learner.status = "active"
            if not learner.onboarded:
                learner.pending_step = "tracks"
            self._reschedule(session, learner)
            session.add(learner)
            return StartResult(profile_of(learner), is_new, reactivated)

    def expect(self, learner_id: int, step: str | None) -> Profile | None:
        """Remember which typed answer we are waiting for (from /settings)."""
        return self._update(learner_id, lambda _s, learner: setattr(learner, "pending_step", step))

    def toggle_track(self, learner_id: int, track_id: str) -> Profile | None:
        """Add or remove a track; unknown track ids change nothing."""
        if track_id not in self.library.tracks:
            return None

        def toggle(_session: Session, learner: Learner) -> None:
            chosen = [t for t in learner.tracks.split(",") if t]
            if track_id in chosen:
                chosen.remove(track_id)
            else:
                chosen.append(track_id)
            order = [t.id for t in self.library.ordered_tracks()]
            learner.tracks = ",".join(sorted(chosen, key=order.index))

        return self._update(learner_id, toggle, reschedule_after=True)

    def confirm_tracks(self, learner_id: int) -> StepResult | None:
        """Finish the tracks step; ``None`` if no track is chosen yet."""
        profile = self.get(learner_id)
        if profile is None or not profile.tracks:
            return None
        return self._complete_step(learner_id, "tracks", lambda _s, _learner: None)

    def set_time(self, learner_id: int, at: time) -> StepResult | None:
        """Choose the local delivery time."""
        minute = at.hour * 60 + at.minute
        return self._complete_step(
            learner_id, "time", lambda _s, learner: setattr(learner, "delivery_minute", minute)
        )

    def set_zone(self, learner_id: int, zone: str) -> StepResult | None:
        """Choose the time zone (already validated by the parser).

        A set-up learner who changes zone has moved: the move may owe today's lesson
        (``bot.learning.schedule.next_due_after_move``).
        """
        before = self.get(learner_id)
        moved = before is not None and before.onboarded and before.zone not in (None, zone)
        return self._complete_step(
            learner_id,
            "zone",
            lambda _s, learner: setattr(learner, "zone", zone),
            moved_from=before.zone if moved and before else None,
        )

    def set_days(self, learner_id: int, days: frozenset[int]) -> StepResult | None:
        """Choose the weekdays; at least one."""
        if not days:
            return None
        mask = days_to_mask(days)
        return self._complete_step(
            learner_id, "days", lambda _s, learner: setattr(learner, "days_mask", mask)
        )

    def begin_custom_days(self, learner_id: int) -> Profile | None:
        """Open the day picker: blank during setup, the current days when changing them."""

        def begin(_session: Session, learner: Learner) -> None:
            learner.pending_step = "days"
            if not learner.onboarded:
                learner.days_mask = 0

        return self._update(learner_id, begin)

    def toggle_day(self, learner_id: int, day: int) -> Profile | None:
        """Flip one weekday while choosing custom days (the step stays open)."""
        if not 0 <= day <= 6:
            return None

        def toggle(_session: Session, learner: Learner) -> None:
            learner.days_mask = days_to_mask(mask_to_days(learner.days_mask) ^ {day})

        return self._update(learner_id, toggle)

    def pause(self, learner_id: int, days: int | None) -> Profile | None:
        """Hold lessons (and the streak) for ``days`` local days, or until /resume."""
        if days is not None and not 1 <= days <= MAX_PAUSE_DAYS:
            return None
        now = self.clock.now()

        def hold(session: Session, learner: Learner) -> None:
            learner.status = "paused"
            today = local_date(now, learner.zone or "UTC")
            served_today = delivery_on(session, learner.id, today) is not None
            first = today + timedelta(days=1) if served_today else today
            scheduled = mask_to_days(learner.days_mask) or frozenset(range(7))
            learner.resume_on = pause_end(first, scheduled, days) if days else None
            excuse_open_days(session, learner.id, today)

        return self._update(learner_id, hold, reschedule_after=True)

    def resume(self, learner_id: int) -> Profile | None:
        """End a pause (or a stop) now."""
        return self._set_status(learner_id, "active")

    def stop(self, learner_id: int) -> Profile | None:
        """No more lessons; everything is kept until the learner deletes it."""
        return self._set_status(learner_id, "stopped")

    def mark_blocked(self, learner_id: int) -> None:
        """The learner blocked the bot: skip them until they /start again."""
        self._set_status(learner_id, "blocked")

    def _set_status(self, learner_id: int, status: str) -> Profile | None:
        def change(_session: Session, learner: Learner) -> None:
            learner.status, learner.resume_on = status, None

        return self._update(learner_id, change, reschedule_after=True)

    def _complete_step(
        self, learner_id: int, step: str, apply: Change, *, moved_from: str | None = None
    ) -> StepResult | None:
        """Save one setting; during setup, move on to the first step not yet answered.

        Steps may be answered in any order (``/time 19:00`` while the track picker is
        open): setup asks only for what is still missing and ends once nothing is.
        """
        finished = False

        def complete(session: Session, learner: Learner) -> None:
            nonlocal finished
            apply(session, learner)
            if learner.onboarded:
                learner.pending_step = None
                return
            missing = [s for s in ONBOARDING_STEPS if not _answered(learner, s)]
            if learner.pending_step == step or learner.pending_step not in missing:
                learner.pending_step = missing[0] if missing else None
            if not missing:
                learner.onboarded, finished = True, True

        profile = self._update(learner_id, complete, reschedule_after=True, moved_from=moved_from)
        return StepResult(profile, finished, step) if profile else None

    def _update(
        self,
        learner_id: int,
        change: Change,
        *,
        reschedule_after: bool = False,
        moved_from: str | None = None,
    ) -> Profile | None:
        """Apply ``change`` to the learner's row in one transaction, the row locked first:
        another worker's change to the same learner waits for this one, then sees it
        (``moved_from``: the zone the learner left, when the change is a move)."""
        with self.db.session() as session:
            learner = locked_learner(session, learner_id)
            if learner is None:
                return None
            change(session, learner)
            if reschedule_after:
                self._reschedule(session, learner, moved_from)
            session.add(learner)
            return profile_of(learner)

    def _reschedule(
        self, session: Session, learner: Learner, moved_from: str | None = None
    ) -> None:
        """Move ``next_due_at`` to what the learner's choices and history now say."""
        learner.next_due_at = next_lesson_at(
            profile_of(learner),
            self.clock.now(),
            lambda: last_served_day(session, learner.id),
            moved_from=moved_from,
        )


def _answered(learner: Learner, step: str) -> bool:
    """Has the learner given this setting (by button or by a typed command)?"""
    if step == "tracks":
        return bool(learner.tracks)
    if step == "time":
        return learner.delivery_minute is not None
    if step == "zone":
        return learner.zone is not None
    return learner.days_mask != 0
