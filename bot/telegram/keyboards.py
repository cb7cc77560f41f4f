"""Inline keyboards for learners: what each button says (from ``texts``) and which route
it carries (from ``routes``, the one codec for callback data)."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content.model import Library
from bot.learning.schedule import DAY_NAMES, zone_info
from bot.telegram import routes, texts

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
SETTINGS_STEPS = tuple(zip(texts.SETTINGS_BUTTONS, routes.SETTING_STEPS, strict=True))


def button(label: str, route: routes.Route) -> InlineKeyboardButton:
    """A button whose callback data is ``route``, encoded (and size-checked) by the codec."""
    return InlineKeyboardButton(label, callback_data=routes.encode(route))


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def tracks_keyboard(library: Library, chosen: tuple[str, ...]) -> InlineKeyboardMarkup:
    """One button per track, ticked when chosen, then Done."""
    buttons = [
        [
            button(("✓ " if t.id in chosen else "") + t.title, routes.PickTrack(t.id)),
            button(texts.TRACK_INFO_BUTTON, routes.TrackInfo(t.id)),
        ]
        for t in library.ordered_tracks()
    ]
    buttons.append([button(texts.DONE_BUTTON, routes.TracksDone())])
    return InlineKeyboardMarkup(buttons)


def time_keyboard() -> InlineKeyboardMarkup:
    """Common delivery times, four to a row."""
    buttons = [button(t, routes.PickTime(t)) for t in COMMON_TIMES]
    return InlineKeyboardMarkup(_rows(buttons, 4))


def zone_keyboard(now: datetime) -> InlineKeyboardMarkup:
    """Common zones with their current local time, so people can pick by the clock."""
    buttons = [
        button(f"{label} {now.astimezone(zone_info(zone)):%H:%M}", routes.PickZone(zone))
        for label, zone in COMMON_ZONES
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def zone_choice_keyboard(zones: tuple[str, ...], now: datetime) -> InlineKeyboardMarkup:
    """The zones an ambiguous word (CST, IST) may mean, each with its local time now."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    f"{zone.replace('_', ' ')} {now.astimezone(zone_info(zone)):%H:%M}",
                    routes.PickZone(zone),
                )
            ]
            for zone in zones
        ]
    )


def days_keyboard() -> InlineKeyboardMarkup:
    """The three common day choices."""
    return InlineKeyboardMarkup(
        [
            [
                button(texts.EVERY_DAY_BUTTON, routes.PickDays(routes.DaysChoice.DAILY)),
                button(texts.WEEKDAYS_BUTTON, routes.PickDays(routes.DaysChoice.WEEKDAYS)),
            ],
            [button(texts.CHOOSE_DAYS_BUTTON, routes.PickDays(routes.DaysChoice.CUSTOM))],
        ]
    )


def custom_days_keyboard(days: frozenset[int]) -> InlineKeyboardMarkup:
    """Seven toggles and Done."""
    buttons = [
        button(("✓ " if day in days else "") + name.capitalize(), routes.ToggleDay(day))
        for day, name in enumerate(DAY_NAMES)
    ]
    rows = _rows(buttons, 4)
    rows.append([button(texts.DONE_BUTTON, routes.PickDays(routes.DaysChoice.DONE))])
    return InlineKeyboardMarkup(rows)


def settings_keyboard() -> InlineKeyboardMarkup:
    """One button per setting."""
    buttons = [button(label, routes.OpenSetting(step)) for label, step in SETTINGS_STEPS]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def lesson_again_keyboard() -> InlineKeyboardMarkup:
    """Under the note sent when a crash may have cost the learner part of a lesson."""
    return InlineKeyboardMarkup([[button(texts.LESSON_AGAIN_BUTTON, routes.LessonAgain())]])


def content_note_keyboard(delivery_id: int) -> InlineKeyboardMarkup:
    """Under a sensitive lesson's content note: read it now, or skip it today."""
    return InlineKeyboardMarkup(
        [
            [
                button(texts.SHOW_LESSON_BUTTON, routes.NoteChoice(delivery_id, show=True)),
                button(texts.SKIP_TODAY_BUTTON, routes.NoteChoice(delivery_id, show=False)),
            ]
        ]
    )


def delete_keyboard() -> InlineKeyboardMarkup:
    """Confirm or cancel erasing a learner's data."""
    return InlineKeyboardMarkup(
        [
            [
                button(texts.DELETE_EVERYTHING_BUTTON, routes.ConfirmErase(erase=True)),
                button(texts.KEEP_MY_DATA_BUTTON, routes.ConfirmErase(erase=False)),
            ]
        ]
    )


def audience_keyboard(audiences: list[tuple[int, str]], everyone: int) -> InlineKeyboardMarkup:
    """Who a new announcement is for: one of the author's teams, or everyone (operators)."""
    return InlineKeyboardMarkup(
        [
            [
                button(
                    (texts.EVERYONE_AUDIENCE if tid == everyone else name)[:60],
                    routes.AnnounceTo(tid),
                )
            ]
            for tid, name in audiences
        ]
    )


def draft_keyboard(announcement_id: int, *, send_now: bool = True) -> InlineKeyboardMarkup:
    """Under the preview: send now (unless the daily cap is full), schedule, or cancel."""
    ops = (
        *(((texts.SEND_NOW_BUTTON, routes.DraftOp.SEND_NOW),) if send_now else ()),
        (texts.SCHEDULE_BUTTON, routes.DraftOp.SCHEDULE),
        (texts.CANCEL_BUTTON, routes.DraftOp.CANCEL_DRAFT),
    )
    return InlineKeyboardMarkup(
        [[button(label, routes.AnnouncementAction(op, announcement_id)) for label, op in ops]]
    )


def cancel_scheduled_keyboard(announcement_id: int) -> InlineKeyboardMarkup:
    """Under a scheduled announcement in /announcements."""
    route = routes.AnnouncementAction(routes.DraftOp.CANCEL_SCHEDULED, announcement_id)
    return InlineKeyboardMarkup([[button(texts.CANCEL_IT_BUTTON, route)]])


def practice_offer_keyboard(delivery_id: int) -> InlineKeyboardMarkup:
    """ "I'll try it" under the day's practice."""
    return InlineKeyboardMarkup([[button(texts.TRY_IT_BUTTON, routes.TryPractice(delivery_id))]])


def reflect_keyboard(delivery_id: int) -> InlineKeyboardMarkup:
    """Write a reflection on the day's lesson, or skip it."""
    return InlineKeyboardMarkup(
        [
            [
                button(texts.WRITE_REFLECTION_BUTTON, routes.Reflect(delivery_id, write=True)),
                button(texts.SKIP_REFLECTION_BUTTON, routes.Reflect(delivery_id, write=False)),
            ]
        ]
    )


def follow_up_keyboard(delivery_id: int) -> InlineKeyboardMarkup:
    """Tried it, not yet, or it doesn't fit my work."""
    outcome = routes.Outcome
    return InlineKeyboardMarkup(
        [
            [
                button(texts.TRIED_BUTTON, routes.PracticeOutcome(outcome.TRIED, delivery_id)),
                button(texts.NOT_YET_BUTTON, routes.PracticeOutcome(outcome.NOT_YET, delivery_id)),
            ],
            [button(texts.NO_FIT_BUTTON, routes.PracticeOutcome(outcome.NO_FIT, delivery_id))],
        ]
    )


def skip_note_keyboard(delivery_id: int) -> InlineKeyboardMarkup:
    """No note on how the practice went."""
    return InlineKeyboardMarkup(
        [[button(texts.SKIP_NOTE_BUTTON, routes.SkipPracticeNote(delivery_id))]]
    )
