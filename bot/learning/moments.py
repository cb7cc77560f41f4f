"""Reading a moment someone wants something to happen: "tomorrow 15:00 America/Chicago".

Used to schedule announcements. The result is an instant in UTC, or the reason it could
not be read, so the reply can say exactly what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.learning.schedule import local_date, parse_time, parse_zone, slot_instant

RELATIVE_DAYS = {"today": 0, "tomorrow": 1}


@dataclass(frozen=True, slots=True)
class Moment:
    """Either ``instant`` (UTC) or ``problem``: bad_time, bad_zone or past_time."""

    instant: datetime | None = None
    problem: str | None = None


def parse_moment(text: str, now: datetime, default_zone: str) -> Moment:
    """Read ``[YYYY-MM-DD|today|tomorrow] HH:MM [zone]`` in the writer's own zone."""
    words = text.split()
    if not 1 <= len(words) <= 4:
        return Moment(problem="bad_time")
    zone = default_zone
    if len(words) > 1 and _looks_like_zone(words[-1]):
        found = parse_zone(words[-1])
        if found is None:
            return Moment(problem="bad_zone")
        zone, words = found, words[:-1]
    day = local_date(now, zone)
    if len(words) > 1:
        first = words[0].lower()
        if first in RELATIVE_DAYS:
            try:
                day += timedelta(days=RELATIVE_DAYS[first])
            except OverflowError:
                return Moment(problem="bad_time")
        else:
            try:
                day = date.fromisoformat(words[0])
            except ValueError:
                return Moment(problem="bad_time")
        words = words[1:]
    at = parse_time(" ".join(words))
    if at is None:
        return Moment(problem="bad_time")
    try:
        instant = slot_instant(day, at, zone)
    except (OverflowError, ValueError):  # a date at the very edge of the calendar
        past = day < local_date(now, zone)
        return Moment(problem="past_time" if past else "bad_time")
    if instant <= now:
        return Moment(problem="past_time")
    return Moment(instant=instant.astimezone(UTC))


def _looks_like_zone(word: str) -> bool:
    """A zone-like word: it has a slash, or starts with UTC/GMT (a typo still counts)."""
    return "/" in word or word.upper().startswith(("UTC", "GMT"))
