"""Naming a lesson's day from where the learner stands now.

A quiz can be answered after midnight, or days later. The close of the day must name the
lesson's own local day ("Friday's lesson"), never call it today's. Words live in
``bot.telegram.texts``; this says which kind of name fits.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

WEEK = 7


class DayName(Enum):
    """How to name a lesson's local day: today, by weekday (within the past week), or by
    weekday and date (anything further, or a day still ahead after a change of zone)."""

    TODAY = "today"
    WEEKDAY = "weekday"
    DATED = "dated"


def name_lesson_day(lesson_day: date, today: date) -> DayName:
    """Which name fits the lesson of local date ``lesson_day`` on the learner's ``today``."""
    if lesson_day == today:
        return DayName.TODAY
    if 0 < (today - lesson_day).days < WEEK:
        return DayName.WEEKDAY
    return DayName.DATED
