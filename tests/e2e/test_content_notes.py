"""A sensitive lesson arrives as its content note first: show it, or skip it today.

The fixture library with one lesson ("The three tenets", cultural humility's second)
marked sensitive. Ann follows cultural humility and burnout prevention, so her week runs
CH1, BP1, then the sensitive CH2 on Wednesday.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from bot.learning.streaks import Streak
from tests.e2e.harness import LESSONS, Harness, find_button, text_of
from tests.e2e.scenes import MONDAY_0730, TRACK, deliveries, joined, learner, services

ANN = 4101
NOTE = "Mentions racism and discrimination in care, in general terms."
SENSITIVE = "The three tenets"


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    """The fixture library, with cultural humility's second lesson marked sensitive."""
    library = tmp_path / "lessons"
    shutil.copytree(LESSONS, library)
    path = library / "cultural-humility" / "three-tenets.yaml"
    data = yaml.safe_load(path.read_text())
    data.update(sensitive=True, content_note=NOTE)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return library


def day(n: int) -> timedelta:
    return timedelta(days=n)


def streak(h: Harness) -> Streak:
    report = services(h).progress.report(ANN)
    assert report is not None
    return report.streak


async def two_days_done(h: Harness) -> None:
    """Ann completes Monday's and Tuesday's lessons (neither is sensitive)."""
    learner(h, ANN, "Ann", tracks=(TRACK, "burnout-prevention"))
    for n in range(2):
        await h.move_to(MONDAY_0730 + day(n))
        assert "today done" in joined(await h.answer_quiz(ANN))
    assert streak(h).current == 2


async def test_a_sensitive_lesson_arrives_as_its_note_alone(harness: Harness) -> None:
    h = harness
    await two_days_done(h)
    before = len(h.emulator.bot_messages(ANN))
    await h.move_to(MONDAY_0730 + day(2))
    new = h.emulator.bot_messages(ANN)[before:]
    assert len(new) == 1, [text_of(m) for m in new]
    note = text_of(new[0])
    assert "content note" in note and NOTE in note
    assert "Try this:" not in note and SENSITIVE not in note
    labels = [b["text"] for row in new[0].buttons for b in row]
    assert labels == ["Show the lesson", "Skip today"]
    assert not h.open_polls(ANN)
    await h.move_to(MONDAY_0730 + day(2) + timedelta(hours=2))
    assert len(h.emulator.bot_messages(ANN)) == before + 1, "the note is sent once"


async def test_show_sends_the_lesson_and_its_quiz_and_answering_completes_the_day(
    harness: Harness,
) -> None:
    h = harness
    await two_days_done(h)
    await h.move_to(MONDAY_0730 + day(2))
    show = find_button(h.emulator, ANN, "Show the lesson")
    shown = await h.press(ANN, *show)
    texts = [text_of(m) for m in shown]
    assert SENSITIVE in texts[0] and "Try this:" in texts[0]
    assert len(h.open_polls(ANN)) == 2
    assert not h.emulator.bot_messages(ANN)[-3].buttons, "the note's buttons are gone"
    summary = joined(await h.answer_quiz(ANN))
    assert "That's today done" in summary and "Streak: 3 lesson days" in summary
    again = await h.press(ANN, *show, check=False)  # a second tap, before the edit
    assert again == [], "pressed twice: nothing sent again"
    assert "opened this lesson already" in (h.emulator.callback_answers()[-1].text or "")


async def test_skip_keeps_the_streak_and_the_lesson_comes_back_later(harness: Harness) -> None:
    h = harness
    await two_days_done(h)
    await h.move_to(MONDAY_0730 + day(2))  # Wednesday: the note
    skip = find_button(h.emulator, ANN, "Skip today")
    skipped = joined(await h.press(ANN, *skip))
    assert "Skipped for today" in skipped and "/help" in skipped
    assert not h.open_polls(ANN), "no quiz"
    assert streak(h) == Streak(current=2, best=2, rest_days=0, completed_days=2)
    await h.press(ANN, *skip, check=False)
    assert "Already skipped" in (h.emulator.callback_answers()[-1].text or "")

    titles: list[str] = []
    for n in range(3, 7):  # Thursday to Sunday
        before = len(h.emulator.bot_messages(ANN))
        await h.move_to(MONDAY_0730 + day(n))
        first = h.texts(ANN)[before]
        titles.append("note" if NOTE in first else first.splitlines()[0])
        if h.open_polls(ANN):
            await h.answer_quiz(ANN)
    assert SENSITIVE not in titles[0], "not the next day"
    assert titles[-1] == "note", f"back on Sunday, three other lessons later: {titles}"
    assert "note" not in titles[:-1], titles
    assert streak(h).current == 5, "the skipped day neither broke nor grew the streak"
    lessons = [d.lesson_id for d in sorted(deliveries(h, ANN), key=lambda d: d.local_date)]
    assert lessons[2] == lessons[-1] == "ch-three-tenets"


async def test_buttons_of_a_day_that_is_over_change_nothing(harness: Harness) -> None:
    h = harness
    await two_days_done(h)
    await h.move_to(MONDAY_0730 + day(2))
    message_id, data = find_button(h.emulator, ANN, "Show the lesson")
    await h.move_to(MONDAY_0730 + day(3) - timedelta(minutes=30))  # Thursday 07:00
    assert await h.press(ANN, message_id, data) == []
    assert "day is over" in (h.emulator.callback_answers()[-1].text or "")
    assert not h.open_polls(ANN)


async def test_today_shows_the_note_again_and_a_skip_can_be_undone_the_same_day(
    harness: Harness,
) -> None:
    h = harness
    await two_days_done(h)
    h.clock.set(MONDAY_0730 + day(2) - timedelta(hours=1))  # Wednesday, before 07:30
    first = await h.say(ANN, "/today")
    assert len(first) == 1 and NOTE in text_of(first[0]), "/today claims the note too"
    await h.tap(ANN, "Skip today")
    again = await h.say(ANN, "/today")
    assert len(again) == 1 and NOTE in text_of(again[0]), "the note, with its buttons"
    shown = await h.tap(ANN, "Show the lesson")
    assert SENSITIVE in text_of(shown[0]) and len(h.open_polls(ANN)) == 2
    assert "today done" in joined(await h.answer_quiz(ANN))
    assert streak(h).current == 3, "shown after all, the day counts"
    sent = len(h.emulator.bot_messages(ANN))
    await h.move_to(MONDAY_0730 + day(2))
    assert len(h.emulator.bot_messages(ANN)) == sent, "nothing more at 07:30"


async def test_a_note_that_may_have_arrived_is_never_sent_twice(harness: Harness) -> None:
    """A timeout may hide a delivered note: no second copy; /today shows it again."""
    h = harness
    await two_days_done(h)
    before = len(h.emulator.bot_messages(ANN))
    h.emulator.set_latency(6, method="sendMessage")  # past the bot's 5 s read timeout
    await h.move_to(MONDAY_0730 + day(2))
    h.emulator.set_latency(0)
    await h.move_to(MONDAY_0730 + day(2) + timedelta(minutes=1))
    assert [NOTE in t for t in h.texts(ANN)[before:]] == [True], "it arrived, once"
    assert deliveries(h, ANN)[-1].state == "asked"
    assert NOTE in joined(await h.say(ANN, "/today"))
    assert SENSITIVE in joined(await h.tap(ANN, "Show the lesson"))


async def test_a_note_telegram_refused_is_sent_on_the_next_tick(harness: Harness) -> None:
    h = harness
    await two_days_done(h)
    before = len(h.emulator.bot_messages(ANN))
    h.emulator.add_fault(method="sendMessage", chat_id=ANN, status=500, times=1)
    await h.move_to(MONDAY_0730 + day(2))
    assert h.texts(ANN)[before:] == [] and deliveries(h, ANN)[-1].state == "note"
    await h.move_to(MONDAY_0730 + day(2) + timedelta(minutes=1))
    await h.move_to(MONDAY_0730 + day(2) + timedelta(minutes=2))
    assert [NOTE in t for t in h.texts(ANN)[before:]] == [True]
