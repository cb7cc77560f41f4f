"""Riverside Clinic: the facilitator at the terminal and the colleagues the demo plays.

Each colleague has a first name, a time zone, a lesson time and habits; what they do on
a given day follows from the demo's seed, so the same seed plays the same week.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TEAM = "Riverside Clinic"
GROUP_ID = -1_000_000_777
GROUP_TITLE = "Riverside Clinic staff room"
TRACK = "cultural-humility"
CHALLENGE_DAYS = 14


@dataclass(frozen=True)
class Habit:
    """How someone goes about the daily lesson and the team's announcements."""

    does_lesson: float  # share of lesson days on which they answer the quiz
    right: float  # share of answers that are right
    answer_after: tuple[int, int]  # minutes from the lesson arriving to answering
    reaction: str | None = None  # what they react to an announcement with, if anything
    react_after: int = 30  # minutes


@dataclass(frozen=True)
class Person:
    """Someone in the team, as they set themselves up (typed, as in onboarding)."""

    name: str
    user_id: int
    zone: str
    time: str
    days: str = "daily"
    note: str = ""


@dataclass(frozen=True)
class Colleague(Person):
    """A simulated member of the team."""

    habit: Habit = Habit(1.0, 1.0, (10, 20))
    named: bool = True  # agreed to show their first name on the board
    joins_on_day: int = 0  # days after the demo starts before they join


FACILITATOR = Person("Sam", 100_001, "Europe/London", "08:00", note="facilitator (London)")
CAST = (
    Colleague(
        "Maya", 100_002, "America/Toronto", "07:00",
        note="diligent: every day, within minutes (Toronto)",
        habit=Habit(1.0, 0.9, (5, 25), reaction="👍", react_after=20),
    ),
    Colleague(
        "Tom", 100_003, "Europe/London", "12:30", "weekdays",
        note="misses days, never reacts (London, weekdays)",
        habit=Habit(0.55, 0.7, (30, 180)),
    ),
    Colleague(
        "Priya", 100_004, "Asia/Kolkata", "18:00",
        note="declined to be named on the board (Kolkata)",
        habit=Habit(0.85, 0.85, (20, 90), reaction="🙏", react_after=120),
        named=False,
    ),
    Colleague(
        "Lena", 100_005, "Europe/Berlin", "07:30",
        note="joins late, on the third day (Berlin)",
        habit=Habit(0.9, 0.75, (10, 60), reaction="❤", react_after=60),
        joins_on_day=2,
    ),
    Colleague(
        "Omar", 100_006, "America/Chicago", "20:30", "weekdays",
        note="night owl, often wrong, reacts the next day (Chicago, weekdays)",
        habit=Habit(0.75, 0.6, (45, 150), reaction="👏", react_after=600),
    ),
)  # fmt: skip


def chance(seed: int, *about: object) -> float:
    """A number in [0, 1) fixed by the seed and what it is about (who, which day, what):
    the same seed gives the same week, whatever order things happen in."""
    return random.Random(":".join(map(str, (seed, *about)))).random()
