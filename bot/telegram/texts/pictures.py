"""Captions of the pictures: the /progress calendar and the /teamstats chart."""

from __future__ import annotations

from bot.telegram.texts.common import esc

CALENDAR_CAPTION = (
    "Your last 12 weeks, one square a day. Days off and pauses are part of the plan, not gaps."
)


def completion_caption(team_name: str) -> str:
    """Under the facilitators' chart of daily completion."""
    return (
        f"{esc(team_name)}: each challenge day, the members who completed it of those its "
        "lesson reached."
    )
