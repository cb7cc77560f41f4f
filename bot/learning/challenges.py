"""Team challenges: which lesson a challenge day teaches, and a board that rewards breadth.

Each member's progress is the *set* of challenge days they completed, so nobody can score
more than one lesson a day however much they binge. A day counts against a member only
if its lesson was sent to them: someone who joined later, was paused, or whose own days
skip it has not missed it. Rates are taken over the members who have started, so people
who have not begun do not drag the team down the way an average over everyone would.

Every challenge day teaches a new lesson, so a challenge is at most as long as its track,
and it starts on a day every member can still have day 1 (``earliest_start``).
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
    """The lesson every member gets on challenge day ``index`` (one new lesson a day)."""
    return lesson_ids[index % len(lesson_ids)]


def longest(lessons: int) -> int:
    """The longest challenge a track of ``lessons`` lessons allows: one new lesson a day."""
    return min(MAX_DAYS, lessons)


def valid_length(days: int, lessons: int = MAX_DAYS) -> bool:
    """A challenge lasts 1 to 90 days, and no longer than its track has lessons."""
    return MIN_DAYS <= days <= longest(lessons)


@dataclass(frozen=True, slots=True)
class MemberToday:
    """Where one member stands now: their own local date, and whether that date's lesson
    has already been claimed for them (sent, or on its way)."""

    local_today: date
    served_today: bool


def can_have_day_one(start: date, member: MemberToday) -> bool:
    """Whether a challenge starting on ``start`` (a date in the team's zone) reaches this
    member on its first day: that date is still ahead of them, or it is their today and
    today's lesson has not been claimed yet."""
    if member.local_today != start:
        return member.local_today < start
    return not member.served_today


def earliest_start(today: date, members: Sequence[MemberToday]) -> date:
    """The first date, from the team's ``today``, on which every member can have day 1.

    Today, unless someone already had today's lesson (then tomorrow), or lives so far
    ahead of the team that its tomorrow has begun for them and their lesson has gone out.
    """
    return max([today, *(m.local_today + timedelta(days=int(m.served_today)) for m in members)])


@dataclass(frozen=True, slots=True)
class Counting:
    """Which running challenge sets a learner's lesson today, and whether to ask them.

    ``ask`` when they are in several and have not chosen among them, or when one of them
    starts today (a new challenge deserves a fresh choice, whatever was chosen before).
    """

    challenge_id: int
    alternatives: tuple[int, ...]
    chosen: bool
    ask: bool


def counting(
    running: Sequence[tuple[int, date]], chosen: int | None, today: date
) -> Counting | None:
    """Decide among the learner's running challenges (``(id, start)`` pairs).

    The one the learner chose, while it runs; otherwise the one that started first (the
    lower id first on the same day).
    """
    if not running:
        return None
    ordered = sorted(running, key=lambda item: (item[1], item[0]))
    ids = [challenge_id for challenge_id, _ in ordered]
    picked = chosen if chosen in ids else None
    counted = ids[0] if picked is None else picked
    others = tuple(i for i in ids if i != counted)
    starts_today = any(start == today for _, start in ordered)
    ask = bool(others) and (picked is None or starts_today)
    return Counting(counted, others, picked is not None, ask)


@dataclass(frozen=True, slots=True)
class MemberDays:
    """One consenting member: the name to show (``None`` if they chose not to be named),
    the challenge days they completed, and the days whose lesson was sent to them."""

    name: str | None
    completed: frozenset[int]
    offered: frozenset[int]

    def had(self, day: int) -> bool:
        """Whether day ``day``'s lesson reached this member (so they could do it)."""
        return day in self.offered or day in self.completed


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

    A day is possible only if its lesson reached the member; today counts only once
    done: a lesson that has not come yet, or is still waiting for an evening answer, is
    not a missed one.
    """
    done = possible = 0
    for member in members:
        if not member.completed:
            continue
        done += sum(1 for day in member.completed if day <= today)
        possible += sum(1 for day in range(today) if member.had(day))
        possible += 1 if today in member.completed else 0
    return done / possible if possible else 0.0


def team_streak(today: int, members: Sequence[MemberDays]) -> int:
    """Consecutive days, up to today, on which at least half the started members who got
    the day's lesson completed it.

    A day whose lesson reached none of them (a weekend off for all) neither counts nor
    breaks the streak. Today counts once it qualifies; until then the streak runs up to
    yesterday, so a team is not told it has lost its streak at breakfast.
    """
    started = [m for m in members if m.completed]
    streak = 0
    for day in range(today, -1, -1):
        had = [m for m in started if m.had(day)]
        if not had:
            continue
        if 2 * sum(day in m.completed for m in had) >= len(had):
            streak += 1
        elif day != today:
            break
    return streak


@dataclass(frozen=True, slots=True)
class DayCount:
    """One challenge day in /teamstats: members who completed it, of those it reached."""

    done: int
    had: int


def daily_completion(length: int, today: int, members: Sequence[MemberDays]) -> list[DayCount]:
    """Each challenge day so far: how many completed it, of the members it reached.

    A member who joined later (or was paused, or whose own days skip it) is in neither
    figure for that day, so they are never shown as having missed it.
    """
    last = min(today, length - 1)
    return [
        DayCount(sum(day in m.completed for m in members), sum(m.had(day) for m in members))
        for day in range(last + 1)
    ]


def challenge_date(start: date, index: int) -> date:
    """The calendar date of challenge day ``index``."""
    return start + timedelta(days=index)
