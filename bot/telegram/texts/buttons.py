"""Every button label."""

from __future__ import annotations

from datetime import date

from bot.telegram.texts.common import short_name

LESSON_AGAIN_BUTTON = "Show today's lesson"
SHOW_LESSON_BUTTON = "Show the lesson"
SKIP_TODAY_BUTTON = "Skip today"
DONE_BUTTON = "Done ›"
TRACK_INFO_BUTTON = "ⓘ About"
EVERY_DAY_BUTTON = "Every day"
WEEKDAYS_BUTTON = "Weekdays"
CHOOSE_DAYS_BUTTON = "Choose days…"
SETTINGS_BUTTONS = ("Tracks", "Time", "Time zone", "Days")
DELETE_EVERYTHING_BUTTON = "Delete everything"
KEEP_MY_DATA_BUTTON = "Keep my data"
JOIN_WITH_NAME_BUTTON = "Join and show my first name"
JOIN_WITHOUT_NAME_BUTTON = "Join without my name"
DECLINE_JOIN_BUTTON = "Don't join"
MEMBERS_BUTTON = "Members"
NEW_CODE_BUTTON = "New join code"
RENAME_BUTTON = "Rename"
STOP_CHALLENGE_BUTTON = "Stop challenge"
CONFIRM_NEW_CODE_BUTTON = "Yes, issue a new code"
CONFIRM_STOP_BUTTON = "Yes, stop the challenge"
BACK_TO_MENU_BUTTON = "‹ Back, change nothing"
SEND_NOW_BUTTON = "Send now"
SCHEDULE_BUTTON = "Schedule"
CANCEL_BUTTON = "Cancel"
CANCEL_IT_BUTTON = "Cancel it"
EVERYONE_AUDIENCE = "Everyone (all active learners)"
START_CHOICES = ("Today", "Tomorrow", "Next Monday")
EARLIEST_START = "Earliest for everyone"


def days_button(days: int) -> str:
    """A challenge length."""
    return f"{days} days"


def follow_button(name: str) -> str:
    """Switch which running challenge counts."""
    return f"Follow {name[:50]}"


def keep_button(name: str) -> str:
    """Keep the challenge that counts now (and stop being asked)."""
    return f"Keep {name[:50]}"


def whole_track_button(days: int) -> str:
    """The challenge length that covers the whole track."""
    return f"{days} days: the whole track"


def start_button(label: str, day: date) -> str:
    """A challenge start choice with its date."""
    return f"{label} ({day:%a} {day.day} {day:%b})"


CHOOSE_COFACILITATOR_BUTTON = "Choose a co-facilitator"
CLOSE_TEAM_BUTTON = "Close the team"
CONFIRM_CLOSE_BUTTON = "Yes, close the team"
MORE_MEMBERS_BUTTON = "More ›"
EARLIER_MEMBERS_BUTTON = "‹ Previous"


def make_facilitator_button(name: str) -> str:
    """Under a member in the members list."""
    return f"Make facilitator: {short_name(name)}"


def remove_member_button(name: str) -> str:
    """Under a member in the members list (it asks first)."""
    return f"Remove: {short_name(name)}"


def confirm_remove_button(name: str) -> str:
    """The second tap of removing a member."""
    return f"Yes, remove {short_name(name)}"
