"""Gentle streaks: counted on scheduled days only, with earned rest days.

Our learners are clinicians at risk of burnout themselves, so a streak must motivate
without guilt. Days with no lesson scheduled (days off, pauses, our own downtime) simply do
not exist for the streak; every seven completed days earn a rest day (at most two held)
that is spent automatically on a missed day; a day still in progress never counts as
missed. The streak is recomputed from the delivery history, so it cannot drift from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

REST_DAY_EVERY = 7
MAX_REST_DAYS = 2


@dataclass(frozen=True, slots=True)
class ScheduledDay:
    """One local day on which a lesson was delivered, and what became of it."""

    local_date: date
    completed: bool
    excused: bool = False


@dataclass(frozen=True, slots=True)
class Streak:
    """The learner's streak as shown in /progress."""

    current: int
    best: int
    rest_days: int
    completed_days: int


def compute_streak(days: Iterable[ScheduledDay], today: date) -> Streak:
    """Replay the scheduled days in date order.

    ``today`` is the learner's local date: a day on or after it that is not yet complete
    is still open, so it neither counts nor breaks anything.
    """
    return _replay(days, today)[0]


def rest_covered(days: Iterable[ScheduledDay], today: date) -> frozenset[date]:
    """The missed days a rest day covered (the progress calendar shows them as rest)."""
    return _replay(days, today)[1]


def _replay(days: Iterable[ScheduledDay], today: date) -> tuple[Streak, frozenset[date]]:
    current = best = rest = completed = 0
    covered: set[date] = set()
    for day in sorted(days, key=lambda d: d.local_date):
        if day.excused:
            continue
        if day.completed:
            current += 1
            completed += 1
            if current % REST_DAY_EVERY == 0:
                rest = min(MAX_REST_DAYS, rest + 1)
        elif day.local_date >= today:
            continue
        elif rest:
            rest -= 1
            covered.add(day.local_date)
        else:
            current = 0
        best = max(best, current)
    return Streak(current, best, rest, completed), frozenset(covered)
