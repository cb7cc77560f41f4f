"""When a learner's next lesson is due, in their own time zone.

Instants are UTC; a learner's *day* is a date in their zone. The rule that keeps DST,
travel and restarts honest: the next lesson is the first scheduled local day *after the
last delivered one* whose delivery instant is still ahead, so no local day is served twice
and none is skipped by a clock change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.learning.numbers import is_digits

ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Schedule:
    """A learner's choice: the local time, the zone and the weekdays (0 = Monday)."""

    at: time
    zone: str
    days: frozenset[int]


def zone_info(name: str) -> tzinfo:
    """Resolve a stored zone name (IANA, or a fixed offset like ``UTC+05:30``)."""
    if name.startswith("UTC") and len(name) > 3:
        sign = 1 if name[3] == "+" else -1
        hours, minutes = int(name[4:6]), int(name[7:9])
        return timezone(sign * timedelta(hours=hours, minutes=minutes), name)
    return ZoneInfo(name)


def local_date(instant: datetime, zone: str) -> date:
    """The learner's calendar date at ``instant``."""
    return instant.astimezone(zone_info(zone)).date()


def slot_instant(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of ``at`` on local ``day``.

    A wall time that does not exist (skipped by a spring-forward change) resolves to the
    same distance past the gap, still on that day; an ambiguous one (repeated by a
    fall-back change) resolves to its first occurrence.
    """
    local = datetime.combine(day, at, tzinfo=zone_info(zone))
    return local.astimezone(UTC)


def next_due_at(
    schedule: Schedule, *, now: datetime, last_delivered: date | None, resume_on: date | None
) -> datetime | None:
    """The next delivery instant strictly after ``now``; ``None`` if no day is chosen.

    ``last_delivered`` is the local date of the latest delivery (none is due on or before
    it); ``resume_on`` is the first local date after a pause.
    """
    if not schedule.days:
        return None
    today = local_date(now, schedule.zone)
    start = today
    if last_delivered is not None:
        start = max(start, last_delivered + timedelta(days=1))
    if resume_on is not None:
        start = max(start, resume_on)
    for offset in range(15):
        day = start + timedelta(days=offset)
        if day.weekday() not in schedule.days:
            continue
        instant = slot_instant(day, schedule.at, schedule.zone)
        if instant > now and local_date(instant, schedule.zone) == day:
            return instant
    return None


def parse_time(text: str) -> time | None:
    """Read a delivery time such as ``7:30``, ``19:00``, ``7pm`` or ``0730``."""
    cleaned = text.strip().lower().replace(" ", "").replace(".", ":")
    cleaned = cleaned.replace("a:m:", "am").replace("p:m:", "pm").replace("a:m", "am")
    cleaned = cleaned.replace("p:m", "pm")
    suffix = ""
    if cleaned.endswith(("am", "pm")):
        cleaned, suffix = cleaned[:-2], cleaned[-2:]
    if cleaned in ("noon", "midday") and not suffix:
        return time(12, 0)
    if is_digits(cleaned) and len(cleaned) == 4 and not suffix:
        cleaned = f"{cleaned[:2]}:{cleaned[2:]}"
    hour_text, _, minute_text = cleaned.partition(":")
    if not is_digits(hour_text) or len(hour_text) > 2:
        return None
    if minute_text and (not is_digits(minute_text) or len(minute_text) != 2):
        return None
    hour, minute = int(hour_text), int(minute_text or 0)
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


@lru_cache(maxsize=1)
def _zones_by_key() -> dict[str, str]:
    """Every IANA zone by lowercase name, plus unambiguous city names (``tokyo``)."""
    names = sorted(n for n in available_timezones() if "/" in n or n == "UTC")
    by_key = {name.lower(): name for name in names}
    cities: dict[str, list[str]] = {}
    for name in names:
        if name.startswith(("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")):
            continue
        cities.setdefault(name.rsplit("/", 1)[-1].lower(), []).append(name)
    for city, matches in cities.items():
        if len(matches) == 1:
            by_key.setdefault(city, matches[0])
    return by_key


# Words people type for a zone that name no single zone: CST is Central time in North
# America and China Standard Time; IST is India, Ireland and Israel. We offer choices.
ZONE_WORDS: dict[str, tuple[str, ...]] = {
    "cst": ("America/Chicago", "America/Mexico_City", "Asia/Shanghai"),
    "cdt": ("America/Chicago", "America/Winnipeg"),
    "central": ("America/Chicago", "America/Winnipeg", "America/Mexico_City"),
    "est": ("America/New_York", "America/Toronto", "Australia/Sydney"),
    "edt": ("America/New_York", "America/Toronto"),
    "eastern": ("America/New_York", "America/Toronto"),
    "mst": ("America/Denver", "America/Phoenix", "America/Edmonton"),
    "mdt": ("America/Denver", "America/Edmonton"),
    "mountain": ("America/Denver", "America/Phoenix", "America/Edmonton"),
    "pst": ("America/Los_Angeles", "America/Vancouver", "Asia/Manila"),
    "pdt": ("America/Los_Angeles", "America/Vancouver"),
    "pacific": ("America/Los_Angeles", "America/Vancouver"),
    "akst": ("America/Anchorage",),
    "hst": ("Pacific/Honolulu",),
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "bst": ("Europe/London", "Asia/Dhaka"),
    "cet": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid"),
    "cest": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid"),
    "eet": ("Europe/Athens", "Europe/Helsinki", "Africa/Cairo"),
    "aest": ("Australia/Sydney", "Australia/Brisbane", "Australia/Melbourne"),
    "aedt": ("Australia/Sydney", "Australia/Melbourne"),
    "awst": ("Australia/Perth",),
    "nzst": ("Pacific/Auckland",),
    "sast": ("Africa/Johannesburg",),
    "wat": ("Africa/Lagos",),
    "eat": ("Africa/Nairobi",),
    "pkt": ("Asia/Karachi",),
    "jst": ("Asia/Tokyo",),
    "sgt": ("Asia/Singapore",),
}


def zone_choices(text: str) -> tuple[str, ...]:
    """The zones a word like ``CST`` or ``Central`` may mean; empty for anything else."""
    key = text.strip().lower().removesuffix(" time").replace(".", "")
    return ZONE_WORDS.get(key, ())


def is_fixed_offset(zone: str) -> bool:
    """A ``UTC±HH:MM`` zone: it never moves for daylight saving time."""
    return zone.startswith("UTC") and zone != "UTC"


def parse_zone(text: str) -> str | None:
    """Read a time zone: an IANA name, a city (``Chicago``), ``UTC`` or an offset (``+5:30``)."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 64:
        return None
    offset = _parse_offset(cleaned)
    if offset is not None:
        return offset
    key = cleaned.lower().replace(" ", "_")
    name = _zones_by_key().get(key)
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _parse_offset(text: str) -> str | None:
    """``UTC``, ``GMT+1``, ``UTC-05:30`` or ``+0530`` as a canonical ``UTC±HH:MM`` name."""
    upper = text.upper().replace(" ", "")
    for prefix in ("UTC", "GMT"):
        if upper.startswith(prefix):
            upper = upper[len(prefix) :]
            if not upper:
                return "UTC"
            break
    if not upper or upper[0] not in "+-" or len(upper) > 6:
        return None
    sign, rest = upper[0], upper[1:].replace(":", "")
    if not is_digits(rest) or len(rest) not in (1, 2, 3, 4):
        return None
    hours, minutes = (int(rest), 0) if len(rest) <= 2 else (int(rest[:-2]), int(rest[-2:]))
    if hours > 14 or minutes not in (0, 15, 30, 45) or (hours == 14 and minutes):
        return None
    if hours == 0 and minutes == 0:
        return "UTC"
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def parse_days(text: str) -> frozenset[int] | None:
    """Read ``daily``, ``weekdays``, ``weekends`` or a list like ``mon,wed,fri`` / ``mon-fri``."""
    cleaned = text.strip().lower()
    if cleaned in ("daily", "every day", "everyday", "all", "every-day"):
        return ALL_DAYS
    if cleaned in ("weekdays", "workdays", "weekday"):
        return WEEKDAYS
    if cleaned in ("weekends", "weekend"):
        return frozenset({5, 6})
    days: set[int] = set()
    for part in cleaned.replace(",", " ").replace(";", " ").split():
        first, dash, last = part.partition("-")
        start, end = _day_index(first), _day_index(last) if dash else None
        if start is None or (dash and end is None):
            return None
        days.update(_day_range(start, end if end is not None else start))
    return frozenset(days) or None


def _day_index(word: str) -> int | None:
    """``mon``, ``monday`` or ``mo`` to 0, and so on; ``None`` if it is not a day."""
    if len(word) < 2:
        return None
    for index, name in enumerate(DAY_NAMES):
        full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        if full[index].startswith(word) and (len(word) >= 3 or word == name[:2]):
            return index
    return None


def _day_range(start: int, end: int) -> Iterable[int]:
    """Days from ``start`` to ``end`` inclusive, wrapping past Sunday (``fri-mon``)."""
    length = (end - start) % 7
    return ((start + step) % 7 for step in range(length + 1))


def days_to_mask(days: frozenset[int]) -> int:
    """Store a set of weekdays as a bit mask (bit 0 = Monday)."""
    return sum(1 << day for day in days)


def mask_to_days(mask: int) -> frozenset[int]:
    """The weekdays in a stored bit mask."""
    return frozenset(day for day in range(7) if mask & (1 << day))


def pause_end(first_day: date, days: frozenset[int], lesson_days: int) -> date:
    """The first scheduled local date after ``lesson_days`` of the learner's lesson days.

    /pause 3 means three lesson days, not three calendar days: on a weekday schedule, a
    pause from Wednesday covers Wednesday, Thursday and Friday, and lessons resume on
    Monday (not "Saturday", a day with no lesson anyway). ``first_day`` is the first day
    that may be paused (today, unless today's lesson was already served).
    """
    day, counted = first_day, 0
    while counted < lesson_days:
        if day.weekday() in days:
            counted += 1
        day += timedelta(days=1)
    while day.weekday() not in days:
        day += timedelta(days=1)
    return day


def next_due_after_move(
    schedule: Schedule,
    old_zone: str,
    *,
    now: datetime,
    last_delivered: date | None,
    resume_on: date | None,
) -> datetime | None:
    """The next delivery instant after the learner moved from ``old_zone`` to
    ``schedule.zone`` at ``now``: ``now`` itself when the move owes today's lesson.

    Days are local dates, and a date served anywhere is served (``next_due_at``). A move
    can put the learner on a date not served yet whose lesson time has already passed on
    the new clock: flying east the clock jumps forward (Berlin at 05:00 is Tokyo at
    13:00, past a 07:30 lesson), and a zone set by mistake and corrected a minute later
    may have jumped it over the lesson time and back. That date is owed: like a lesson
    time skipped by a spring-forward change, or by downtime, it still comes that day,
    at once. Flying west lands on dates already served, which are not served again.
    """
    today = local_date(now, schedule.zone)
    owed = (
        old_zone != schedule.zone
        and today.weekday() in schedule.days
        and (last_delivered is None or today > last_delivered)
        and (resume_on is None or today >= resume_on)
        and slot_instant(today, schedule.at, schedule.zone) <= now
    )
    if owed:
        return now
    return next_due_at(schedule, now=now, last_delivered=last_delivered, resume_on=resume_on)
