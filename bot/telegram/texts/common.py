"""Shared wording and helpers: escaping, plurals, dates, scope and privacy lines."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from bot.learning.schedule import DAY_NAMES, zone_info


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 lesson day', '2 lesson days'; ``many`` for a word that is not made with -s
    ('1 entry', '2 entries')."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


def esc(text: str) -> str:
    """Escape text for Telegram HTML."""
    return escape(text, quote=False)


SCOPE = (
    "Attune offers continuing-education style micro-lessons for clinicians. It is not "
    "clinical advice, supervision, therapy or a diagnostic tool, and it does not replace "
    "your organization's policies, local law or professional consultation. It is not a "
    "crisis service: if someone is in danger, call your local emergency number."
)
PRIVACY = (
    "Please don't send me anything that could identify a client, or personal health "
    "details: bot chats are stored on Telegram's servers."
)
STALE_BUTTON = "That button is no longer active. Nothing was changed."
NEED_START = "Let's get you set up first: send /start."
NOT_SET_UP = "You're almost set up. Send /start to finish, and your first lesson follows."


def unknown_command(command: str) -> str:
    """A command we don't have."""
    return f"I don't know {esc(command[:40])}. /help lists what I can do."


def when(instant: datetime, zone: str) -> str:
    """A delivery instant in the learner's local terms: 'Monday 24 November at 07:30'."""
    local = instant.astimezone(zone_info(zone))
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def days_label(days: frozenset[int]) -> str:
    """'every day', 'weekdays' or 'Mon, Wed, Fri'."""
    if len(days) == 7:
        return "every day"
    if days == frozenset(range(5)):
        return "weekdays"
    return ", ".join(DAY_NAMES[d].capitalize() for d in sorted(days)) or "no days"


def short_date(day: date) -> str:
    """'Mon 2 March'."""
    return f"{day:%a} {day.day} {day:%B}"


def percent(part: int, whole: int) -> str:
    """'67%' (or '0%' for an empty team)."""
    return f"{round(100 * part / whole) if whole else 0}%"


NOTHING_CHANGED = "Nothing was changed."


def short_name(name: str) -> str:
    """A person's name short enough for a button."""
    return name[:24] or "A member"
