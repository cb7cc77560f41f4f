"""The team demo's pieces that need no bot: habits, plans, the account of the days,
the first morning, and finding seats at the terminal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot.demo.cast import CAST, FACILITATOR, Colleague, Habit, chance
from bot.demo.colleagues import Event, Plan, Simulated
from bot.demo.director import Director, account
from bot.demo.team import first_morning
from bot.emulator import EmulatorError
from bot.emulator.models import StoredMessage
from bot.emulator.terminal_seats import Seat, find, prompt

HEADER = "📣 Riverside Clinic · announcement"
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_chance_is_fixed_by_seed_and_subject() -> None:
    draws = [chance(7, "Tom", date(2026, 3, d), "does") for d in range(2, 9)]
    assert draws == [chance(7, "Tom", date(2026, 3, d), "does") for d in range(2, 9)]
    assert draws != [chance(8, "Tom", date(2026, 3, d), "does") for d in range(2, 9)]
    assert all(0 <= x < 1 for x in draws) and len(set(draws)) == len(draws)


def test_the_cast_has_the_habits_the_demo_promises() -> None:
    assert len(CAST) >= 4 and len({c.zone for c in CAST}) >= 4
    assert any(c.habit.does_lesson == 1.0 for c in CAST)  # someone diligent
    assert any(c.habit.does_lesson < 0.7 for c in CAST)  # someone who misses days
    assert any(not c.named for c in CAST) and any(c.joins_on_day > 0 for c in CAST)


def quiz(message_id: int, at: datetime) -> StoredMessage:
    poll = {"type": "quiz", "is_closed": False, "question": "Q", "options": []}
    sent = int(at.timestamp())
    return StoredMessage(message_id, 5, 0, True, sent, poll_id=f"p{message_id}", poll=poll)


def text(message_id: int, at: datetime, words: str) -> StoredMessage:
    return StoredMessage(message_id, 5, 0, True, int(at.timestamp()), text=words)


def colleague(does: float, reaction: str | None = "👍") -> Simulated:
    habit = Habit(does, 1.0, (30, 30), reaction=reaction, react_after=20)
    return Simulated(Colleague("Ann", 5, "Europe/London", "12:00", habit=habit), 7, HEADER)


def test_a_colleague_answers_from_when_the_quiz_arrived() -> None:
    ann = colleague(1.0)
    arrived = NOON - timedelta(hours=2)
    assert ann.notice([text(1, arrived, "Lesson"), quiz(2, arrived), quiz(3, arrived)]) == []
    [plan] = ann.plans
    assert (plan.kind, plan.poll_ids, plan.at) == (
        "answer",
        ("p2", "p3"),
        arrived + timedelta(minutes=30),
    )
    assert ann.due(NOON) == [plan] and ann.plans == []
    assert ann.notice([text(1, arrived, "Lesson"), quiz(2, arrived), quiz(3, arrived)]) == []
    assert ann.plans == []  # what was seen is not seen again


def test_a_colleague_who_lets_it_wait_and_reacts_to_announcements() -> None:
    ann = colleague(0.0)
    events = ann.notice([quiz(1, NOON), text(2, NOON, f"{HEADER}\n\nMeeting moved")])
    assert events == [Event(date(2026, 3, 2), "Ann", "skipped the lesson")]
    [plan] = ann.plans
    assert (plan.kind, plan.message_id, plan.at) == ("react", 2, NOON + timedelta(minutes=20))
    quiet = colleague(1.0, reaction=None)
    quiet.notice([text(1, NOON, f"{HEADER}\n\nMeeting moved")])
    assert quiet.plans == []


def test_the_account_lists_each_day_once_in_order() -> None:
    events = [
        Event(date(2026, 3, 3), "Omar", "1/2 right"),
        Event(date(2026, 3, 2), "Maya", "2/2 right"),
        Event(date(2026, 3, 2), "Tom", "skipped the lesson"),
    ]
    assert account(events) == [
        "Meanwhile in Riverside Clinic:",
        "  Mon 2 Mar: Maya 2/2 right · Tom skipped the lesson",
        "  Tue 3 Mar: Omar 1/2 right",
    ]
    assert account([]) == []
    busy = [Event(date(2026, 3, 2), f"Name{i}", "skipped the lesson") for i in range(9)]
    wrapped = account(busy)[1:]
    assert len(wrapped) > 1 and all(len(line) <= 88 for line in wrapped)
    assert wrapped[0].startswith("  Mon 2 Mar: Name0 skipped the lesson · Name1 ")
    assert all(line.startswith("    Name") for line in wrapped[1:])
    assert all(line.endswith("skipped the lesson") for line in wrapped)  # never split


def test_the_demo_starts_on_the_coming_monday_morning() -> None:
    for day in range(2, 10):  # Monday 2 March to Monday 9 March 2026
        start = first_morning(datetime(2026, 3, day, 9, 0, tzinfo=UTC), "Europe/London")
        assert start.weekday() == 0 and (start.hour, start.minute) == (6, 30)
        assert timedelta(0) < start - datetime(2026, 3, day, 9, 0, tzinfo=UTC) <= timedelta(days=7)


def test_seats_are_found_by_name_prefix_or_as_the_group() -> None:
    seats = [Seat("Sam", 1), Seat("Maya", 2), Seat("Mark", 3), Seat("Staff room", -9)]
    assert find(seats, "maya") == seats[1] and find(seats, "Sa") == seats[0]
    assert find(seats, "ma") is None  # Maya or Mark?
    assert find(seats, "group") == seats[3] and find(seats, "") is None
    assert prompt(seats, 2, 2) == "maya> " and prompt(seats, 2, -9) == "maya@group> "
    assert prompt([], 2, 2) == "you> "


class Clock:
    def now(self) -> datetime:
        return NOON


class Unlucky:
    """Hands whose reactions fail, as when the bot's messages are not what was expected."""

    class Emulator:
        def bot_messages(self, chat_id: int) -> list[StoredMessage]:
            return []

    emulator = Emulator()
    stage = SimpleNamespace(clock=Clock())

    async def react(self, user_id: int, message_id: int, emoji: str) -> None:
        raise EmulatorError(f"no message {message_id}")


async def test_a_colleague_who_cannot_act_gives_up_and_the_demo_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ann = colleague(1.0)
    ann.joined = True
    ann.plans.append(Plan(NOON, "react", message_id=9))
    hands: Any = Unlucky()  # a stand-in for Hands
    director = Director(hands, FACILITATOR, [ann], ("join-x", "Track"), lambda: 0)
    await director._live(ann)
    assert director.events == [] and ann.plans == []
    assert "Ann could not react: no message 9" in caplog.text
