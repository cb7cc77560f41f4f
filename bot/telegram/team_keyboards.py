"""Buttons for teams and challenges, and the one parser for their callback data.

Data is explicit text with numeric ids (``tj:y:12``), so buttons survive restarts; the
services re-check every permission, so forged data can at most be refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content.model import Library
from bot.learning.numbers import is_digits, small_id
from bot.limits import CALLBACK_DATA_BYTES

LENGTHS = (7, 14, 21, 30)
TEAM_ACTIONS = ("stats", "export", "challenge", "admin", "leave", "board")


@dataclass(frozen=True, slots=True)
class TeamAction:
    """A parsed team button: what to do, for which team, with which values."""

    kind: str
    team_id: int = 0
    value: str = ""
    number: int = 0
    when: str = ""


def parse_team_callback(data: object) -> TeamAction | None:
    """Read team callback data back; ``None`` for anything malformed."""
    if not isinstance(data, str) or len(data.encode()) > CALLBACK_DATA_BYTES:
        return None
    head, *rest = data.split(":")
    if not rest or not all(rest):
        return None
    if any(is_digits(part) and small_id(part) is None for part in rest):
        return None  # a number too long to be one of our ids
    if head == "tj" and len(rest) == 2 and rest[0] in ("y", "n", "x") and is_digits(rest[1]):
        return TeamAction(f"join_{rest[0]}", int(rest[1]))
    if head == "tx" and len(rest) == 2 and rest[0] in TEAM_ACTIONS and is_digits(rest[1]):
        return TeamAction(rest[0], int(rest[1]))
    if head == "ta":
        return _parse_admin(rest)
    if head == "tc":
        return _parse_challenge(rest)
    return None


def _parse_admin(rest: list[str]) -> TeamAction | None:
    """``ta:<m|r|n|s>:<team>`` or ``ta:<f|x>:<team>:<learner>``."""
    if len(rest) == 2 and rest[0] in ("m", "r", "n", "s") and is_digits(rest[1]):
        return TeamAction(f"admin_{rest[0]}", int(rest[1]))
    if len(rest) == 3 and rest[0] in ("f", "x") and is_digits(rest[1]) and is_digits(rest[2]):
        return TeamAction(f"admin_{rest[0]}", int(rest[1]), number=int(rest[2]))
    return None


def _parse_challenge(rest: list[str]) -> TeamAction | None:
    """``tc:k:<team>:<track>``, ``tc:d:…:<days>``, ``tc:s:…:<days>:<yyyymmdd>``, ``tc:c:<id>``."""
    kind = rest[0]
    if kind == "c":
        return (
            TeamAction("count", number=int(rest[1]))
            if len(rest) == 2 and is_digits(rest[1])
            else None
        )
    sizes = {"k": 3, "d": 4, "s": 5}
    if kind not in sizes or len(rest) != sizes[kind] or not is_digits(rest[1]):
        return None
    if any(not is_digits(part) for part in rest[3:]):
        return None
    team_id, track_id = int(rest[1]), rest[2]
    days = int(rest[3]) if len(rest) > 3 else 0
    when = rest[4] if len(rest) > 4 else ""
    return TeamAction(f"challenge_{kind}", team_id, track_id, days, when)


def consent_keyboard(team_id: int) -> InlineKeyboardMarkup:
    """Join with or without a name on the board, or don't join."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Join and show my first name", callback_data=f"tj:y:{team_id}")],
            [InlineKeyboardButton("Join without my name", callback_data=f"tj:n:{team_id}")],
            [InlineKeyboardButton("Don't join", callback_data=f"tj:x:{team_id}")],
        ]
    )


def teams_keyboard(action: str, teams: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """Pick a team for ``action``."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(name[:60], callback_data=f"tx:{action}:{tid}")]
            for tid, name in teams
        ]
    )


def tracks_keyboard(team_id: int, library: Library) -> InlineKeyboardMarkup:
    """Pick the challenge track."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.title, callback_data=f"tc:k:{team_id}:{t.id}")]
            for t in library.ordered_tracks()
        ]
    )


def lengths_keyboard(team_id: int, track_id: str) -> InlineKeyboardMarkup:
    """Pick the length in days."""
    buttons = [
        InlineKeyboardButton(f"{days} days", callback_data=f"tc:d:{team_id}:{track_id}:{days}")
        for days in LENGTHS
    ]
    return InlineKeyboardMarkup([buttons])


def starts_keyboard(team_id: int, track_id: str, days: int, today: date) -> InlineKeyboardMarkup:
    """Today, tomorrow or next Monday (in the team's zone)."""
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    options = (("Today", today), ("Tomorrow", today + timedelta(days=1)), ("Next Monday", monday))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{label} ({day:%a} {day.day} {day:%b})",
                    callback_data=f"tc:s:{team_id}:{track_id}:{days}:{day:%Y%m%d}",
                )
            ]
            for label, day in options
        ]
    )


def start_for_teams_keyboard(
    teams: list[tuple[int, str]], track_id: str, days: int, start: date | None
) -> InlineKeyboardMarkup:
    """A typed /challenge from a facilitator of several teams: start it for which one?"""
    when = f"{start:%Y%m%d}" if start else "0"
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(name[:60], callback_data=f"tc:s:{tid}:{track_id}:{days}:{when}")]
            for tid, name in teams
        ]
    )


def counting_keyboard(alternatives: tuple[tuple[int, str], ...]) -> InlineKeyboardMarkup:
    """Switch which running challenge counts."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(f"Follow {name[:50]}", callback_data=f"tc:c:{challenge_id}")]
            for challenge_id, name in alternatives
        ]
    )


def admin_keyboard(team_id: int) -> InlineKeyboardMarkup:
    """The /teamadmin menu."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Members", callback_data=f"ta:m:{team_id}"),
                InlineKeyboardButton("New join code", callback_data=f"ta:r:{team_id}"),
            ],
            [
                InlineKeyboardButton("Rename", callback_data=f"ta:n:{team_id}"),
                InlineKeyboardButton("Stop challenge", callback_data=f"ta:s:{team_id}"),
            ],
        ]
    )


def member_keyboard(team_id: int, learner_id: int, role: str) -> InlineKeyboardMarkup:
    """Actions on one member."""
    buttons = [InlineKeyboardButton("Remove", callback_data=f"ta:x:{team_id}:{learner_id}")]
    if role != "facilitator":
        buttons.insert(
            0,
            InlineKeyboardButton("Make facilitator", callback_data=f"ta:f:{team_id}:{learner_id}"),
        )
    return InlineKeyboardMarkup([buttons])
