"""Team challenges: which lesson a challenge day teaches, and a board that rewards breadth.

Each member's progress is the *set* of challenge days they completed, so nobody can score
more than one lesson a day however much they binge. Rates are taken over the members
who have started, so people who have not begun do not drag the team down the way an
average over everyone would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MIN_DAYS = 1
MAX_DAYS = 90
WEEK = 7


def day_index(start: date, today: date) -> int:
    """Zero-based challenge day for a local date (negative before the start)."""
    return (today - start).days


def is_running(start: date, days: int, today: date) -> bool:
    """Whether ``today`` is one of the challenge's days."""
    return 0 <= day_index(start, today) < days


def lesson_for_day(lesson_ids: Sequence[str], index: int) -> str:
    """The lesson every member gets on challenge day ``index`` (the track repeats if short)."""
    return lesson_ids[index % len(lesson_ids)]


def valid_length(days: int) -> bool:
    """A challenge lasts 1 to 90 days."""
    return MIN_DAYS <= days <= MAX_DAYS


@dataclass(frozen=True, slots=True)
class MemberDays:
    """One consenting member: the name to show (``None`` if they chose not to be named)."""

    name: str | None
    completed: frozenset[int]


@dataclass(frozen=True, slots=True)
class Board:
    """What /team shows for a running (or finished) challenge."""

    day: int
    length: int
    members: int
    started: int
    done_today: int
    active_this_week: int
    team_streak: int
    named: tuple[tuple[str, int], ...]
    unnamed: int
    completion_rate: float


def build_board(length: int, today: int, members: Sequence[MemberDays]) -> Board:
    """Summarise the challenge as of challenge day ``today`` (zero-based)."""
    current = min(max(today, 0), length - 1)
    started = [m for m in members if m.completed]
    week = range(max(0, current - WEEK + 1), current + 1)
    done = sum(current in m.completed for m in members)
    active = sum(any(day in m.completed for day in week) for m in members)
    named = sorted(
        ((m.name, len(m.completed)) for m in members if m.name),
        key=lambda item: (-item[1], item[0].lower()),
    )
    rate = completion_rate(current, started)
    return Board(
        day=current + 1,
        length=length,
        members=len(members),
        started=len(started),
        done_today=done,
        active_this_week=active,
        team_streak=team_streak(current, members),
        named=tuple(named),
        unnamed=sum(1 for m in members if not m.name),
        completion_rate=rate,
    )


def completion_rate(today: int, members: Sequence[MemberDays]) -> float:
    """Lessons done over lessons possible, for members who have started.

    Today counts as possible only once done: a lesson that has not come yet, or is still
    waiting for an evening answer, is not a missed one.
    """
    done = possible = 0
    for member in members:
        if not member.completed:
            continue
        done += sum(1 for day in member.completed if day <= today)
        possible += today + (1 if today in member.completed else 0)
    return done / possible if possible else 0.0


def team_streak(today: int, members: Sequence[MemberDays]) -> int:
    """Consecutive days, up to today, on which at least half the started members completed.

    Today counts once it qualifies; until then the streak runs up to yesterday, so a team
    is not told it has lost its streak at breakfast.
    """
    started = [m for m in members if m.completed]
    if not started:
        return 0

    def qualifies(day: int) -> bool:
        return 2 * sum(day in m.completed for m in started) >= len(started)

    day = today if qualifies(today) else today - 1
    streak = 0
    while day >= 0 and qualifies(day):
        streak += 1
        day -= 1
    return streak


def daily_completion(length: int, today: int, members: Sequence[MemberDays]) -> list[int]:
    """How many members completed each challenge day so far (for /teamstats and charts)."""
    last = min(today, length - 1)
    return [sum(day in m.completed for m in members) for day in range(last + 1)]


def challenge_date(start: date, index: int) -> date:
    """The calendar date of challenge day ``index``."""
    return start + timedelta(days=index)
