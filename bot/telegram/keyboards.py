"""Inline keyboards and the callback data they carry.

Callback data is short explicit text (``tm:07:30``), so a button still works after a
restart; ``parse_callback`` is the one place that reads it back, and anything it does not
recognise (forged, stale or truncated) is refused before it reaches a service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content.model import Library
from bot.learning.schedule import DAY_NAMES, parse_time, parse_zone, zone_info
from bot.limits import CALLBACK_DATA_BYTES
from bot.telegram import texts

COMMON_TIMES = ("06:30", "07:00", "07:30", "08:00", "12:30", "17:30", "19:00", "21:00")
COMMON_ZONES = (
    ("Los Angeles", "America/Los_Angeles"),
    ("Denver", "America/Denver"),
    ("Chicago", "America/Chicago"),
    ("New York", "America/New_York"),
    ("São Paulo", "America/Sao_Paulo"),
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("Lagos", "Africa/Lagos"),
    ("Johannesburg", "Africa/Johannesburg"),
    ("Kolkata", "Asia/Kolkata"),
    ("Singapore", "Asia/Singapore"),
    ("Tokyo", "Asia/Tokyo"),
    ("Sydney", "Australia/Sydney"),
    ("UTC", "UTC"),
)
LESSON_AGAIN = "ls:again"
SETTINGS_STEPS = (("Tracks", "tracks"), ("Time", "time"), ("Time zone", "zone"), ("Days", "days"))


@dataclass(frozen=True, slots=True)
class Action:
    """A parsed button press: what kind, and its (validated) value."""

    kind: str
    value: str = ""


def parse_callback(data: object) -> Action | None:
    """Read callback data back into an ``Action``; ``None`` for anything unexpected."""
    if not isinstance(data, str) or len(data.encode()) > CALLBACK_DATA_BYTES:
        return None
    prefix, _, value = data.partition(":")
    if prefix == "tr" and value:
        return Action("track_done") if value == "done" else Action("track", value)
    if prefix == "tm" and parse_time(value) is not None:
        return Action("time", value)
    if prefix == "tz" and parse_zone(value) == value:
        return Action("zone", value)
    if prefix == "dy" and value in ("daily", "weekdays", "custom", "done"):
        return Action(f"days_{value}")
    if prefix == "dy" and value.startswith("t:") and value[2:] in tuple("0123456"):
        return Action("day_toggle", value[2:])
    if prefix == "st" and value in {step for _, step in SETTINGS_STEPS}:
        return Action("settings", value)
    if prefix == "pv" and value in ("delete", "keep"):
        return Action(f"privacy_{value}")
    return None


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def tracks_keyboard(library: Library, chosen: tuple[str, ...]) -> InlineKeyboardMarkup:
    """One button per track, ticked when chosen, then Done."""
    buttons = [
        [
            InlineKeyboardButton(
                ("✓ " if t.id in chosen else "") + t.title, callback_data=f"tr:{t.id}"
            )
        ]
        for t in library.ordered_tracks()
    ]
    buttons.append([InlineKeyboardButton("Done ›", callback_data="tr:done")])
    return InlineKeyboardMarkup(buttons)


def time_keyboard() -> InlineKeyboardMarkup:
    """Common delivery times, four to a row."""
    buttons = [InlineKeyboardButton(t, callback_data=f"tm:{t}") for t in COMMON_TIMES]
    return InlineKeyboardMarkup(_rows(buttons, 4))


def zone_keyboard(now: datetime) -> InlineKeyboardMarkup:
    """Common zones with their current local time, so people can pick by the clock."""
    buttons = [
        InlineKeyboardButton(
            f"{label} {now.astimezone(zone_info(zone)):%H:%M}", callback_data=f"tz:{zone}"
        )
        for label, zone in COMMON_ZONES
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def days_keyboard() -> InlineKeyboardMarkup:
    """The three common day choices."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Every day", callback_data="dy:daily"),
                InlineKeyboardButton("Weekdays", callback_data="dy:weekdays"),
            ],
            [InlineKeyboardButton("Choose days…", callback_data="dy:custom")],
        ]
    )


def custom_days_keyboard(days: frozenset[int]) -> InlineKeyboardMarkup:
    """Seven toggles and Done."""
    buttons = [
        InlineKeyboardButton(
            ("✓ " if day in days else "") + name.capitalize(), callback_data=f"dy:t:{day}"
        )
        for day, name in enumerate(DAY_NAMES)
    ]
    rows = _rows(buttons, 4)
    rows.append([InlineKeyboardButton("Done ›", callback_data="dy:done")])
    return InlineKeyboardMarkup(rows)


def settings_keyboard() -> InlineKeyboardMarkup:
    """One button per setting."""
    buttons = [
        InlineKeyboardButton(label, callback_data=f"st:{step}") for label, step in SETTINGS_STEPS
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def lesson_again_keyboard() -> InlineKeyboardMarkup:
    """Under the note sent when a crash may have cost the learner part of a lesson."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.LESSON_AGAIN_BUTTON, callback_data=LESSON_AGAIN)]]
    )


def delete_keyboard() -> InlineKeyboardMarkup:
    """Confirm or cancel erasing a learner's data."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Delete everything", callback_data="pv:delete"),
                InlineKeyboardButton("Keep my data", callback_data="pv:keep"),
            ]
        ]
    )
