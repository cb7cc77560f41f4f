"""Onboarding by buttons and by typed commands, against the real bot over HTTP."""

from __future__ import annotations

import dataclasses

import pytest

from bot.emulator.models import StoredMessage
from bot.learning.schedule import WEEKDAYS
from tests.e2e import scenes
from tests.e2e.harness import Harness, text_of

pytestmark = pytest.mark.both_databases

ANN, BEN = 1001, 1002


def joined(messages: list[StoredMessage]) -> str:
    return "\n".join(text_of(m) for m in messages)


async def test_onboarding_by_buttons_ends_with_the_first_lesson_time(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    welcome = joined(await h.say(ANN, "/start"))
    assert "Welcome to Attune" in welcome or "welcome to Attune" in welcome
    assert "not clinical advice" in welcome and "crisis service" in welcome
    assert "Step 1 of 4" in welcome

    await h.tap(ANN, "Cultural humility")
    ticked = h.emulator.bot_messages(ANN)[-1].buttons
    assert ticked[0][0]["text"] == "✓ Cultural humility"
    await h.tap(ANN, "Burnout prevention")
    assert "Step 2 of 4" in joined(await h.tap(ANN, "Done"))
    assert "Step 3 of 4" in joined(await h.tap(ANN, "07:30"))
    assert "Step 4 of 4" in joined(await h.tap(ANN, "Chicago"))
    done = joined(await h.tap(ANN, "Weekdays"))

    # Monday 2 March 2026, 05:00 UTC is Sunday 23:00 in Chicago: Monday's 07:30 is next.
    assert "Your first lesson arrives" in done
    assert "Monday 2 March at 07:30" in done and "America/Chicago" in done
    profile = h.services.learners.get(ANN)
    assert profile is not None and profile.onboarded
    assert profile.tracks == ("cultural-humility", "burnout-prevention")
    assert profile.days == frozenset(range(5)) and profile.zone == "America/Chicago"


async def test_onboarding_by_typing_and_custom_days(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.say(ANN, "/start")
    await h.tap(ANN, "Burnout prevention")
    await h.tap(ANN, "Done")
    assert "Step 3 of 4" in joined(await h.say(ANN, "7pm"))
    assert "Step 4 of 4" in joined(await h.say(ANN, "tokyo"))
    custom = await h.tap(ANN, "Choose days")
    assert custom == []  # the prompt is edited in place into day toggles
    await h.tap(ANN, "Mon")
    await h.tap(ANN, "Wed")
    done = joined(await h.tap(ANN, "Done"))
    # 05:00 UTC Monday is 14:00 in Tokyo, so Monday 19:00 Tokyo time is still ahead.
    assert "Monday 2 March at 19:00" in done
    profile = h.services.learners.get(ANN)
    assert profile is not None
    assert profile.days == frozenset({0, 2}) and profile.zone == "Asia/Tokyo"
    assert profile.at is not None and profile.at.hour == 19


async def test_each_setting_can_be_changed_by_command(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.onboard(ANN)
    assert "Saved" in joined(await h.say(ANN, "/time 6:45"))
    assert "Saved" in joined(await h.say(ANN, "/timezone America/Los_Angeles"))
    assert "Saved" in joined(await h.say(ANN, "/days mon,wed,fri"))
    tracks_menu = await h.say(ANN, "/tracks")
    assert tracks_menu and tracks_menu[-1].buttons
    await h.tap(ANN, "Burnout prevention")
    assert "Saved" in joined(await h.tap(ANN, "Done"))
    profile = h.services.learners.get(ANN)
    assert profile is not None
    assert profile.zone == "America/Los_Angeles" and profile.days == frozenset({0, 2, 4})
    assert profile.tracks == ("cultural-humility", "burnout-prevention")
    settings = joined(await h.say(ANN, "/settings"))
    assert "06:45" in settings and "Mon, Wed, Fri" in settings


async def test_start_again_keeps_progress(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.onboard(ANN)
    await h.say(ANN, "/today")
    await h.answer_quiz(ANN)
    again = joined(await h.say(ANN, "/start"))
    assert "Welcome back" in again and "progress is safe" in again
    report = h.services.progress.report(ANN)
    assert report is not None and report.streak.completed_days == 1
    profile = h.services.learners.get(ANN)
    assert profile is not None and profile.onboarded and profile.zone == "Europe/Berlin"


async def test_commands_are_registered_for_the_menu(harness: Harness) -> None:
    registered = harness.emulator.commands()
    names = {c["command"] for scope in registered.values() for c in scope}
    assert {"start", "today", "progress", "settings", "pause", "resume", "help"} <= names


async def test_settings_buttons_change_one_choice(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.onboard(ANN)
    summary = joined(await h.say(ANN, "/settings"))
    assert "Time zone: Europe/Berlin" in summary
    await h.tap(ANN, "Time zone")
    saved = joined(await h.tap(ANN, "Tokyo"))
    assert "Saved" in saved and "Asia/Tokyo" in saved
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and profile.zone == "Asia/Tokyo" and profile.pending_step is None


async def test_each_track_has_an_info_button_with_its_learning_objectives(
    harness: Harness,
) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.say(ANN, "/start")
    picker = h.emulator.bot_messages(ANN)[-1]
    row = picker.buttons[0]
    assert row[0]["text"] == "Cultural humility" and row[1]["text"] == "ⓘ About"
    info = joined(await h.press(ANN, picker.message_id, row[1]["callback_data"]))
    track = h.services.library.tracks["cultural-humility"]  # type: ignore[union-attr]
    assert "Cultural humility" in info and "By the end you will be able to:" in info
    assert all(objective in info for objective in track.objectives)
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and profile.tracks == () and profile.pending_step == "tracks"
    await h.tap(ANN, "Cultural humility")  # the picker still works after the info
    assert "Step 2 of 4" in joined(await h.tap(ANN, "Done"))


async def test_typed_commands_work_at_every_step_and_answered_steps_are_skipped(
    harness: Harness,
) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.say(ANN, "/start")  # the track picker is open (step 1)
    reply = joined(await h.say(ANN, "/time 19:00"))
    assert "✓ Lessons at 19:00." in reply and "Step 1 of 4" in reply  # still needs tracks
    reply = joined(await h.say(ANN, "/days weekdays"))
    assert "✓ Days: weekdays." in reply and "Step 1 of 4" in reply
    await h.tap(ANN, "Cultural humility")
    reply = joined(await h.tap(ANN, "Done"))
    assert "Step 3 of 4" in reply and "Step 2 of 4" not in reply  # time was answered
    assert "Step 4" not in reply
    done = joined(await h.say(ANN, "/timezone America/Chicago"))
    assert "You're all set." in done
    assert "Tracks: Cultural humility" in done and "Lessons at 19:00, weekdays" in done
    assert "Time zone: America/Chicago" in done
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and profile.onboarded and profile.next_due_at is not None


async def test_a_learner_who_sets_everything_by_commands_is_scheduled(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.say(ANN, "/start")
    await h.say(ANN, "/timezone Tokyo")
    await h.say(ANN, "/days mon,wed,fri")
    reply = joined(await h.say(ANN, "/time 6:45"))
    assert "✓ Lessons at 06:45." in reply and "Step 1 of 4" in reply
    await h.tap(ANN, "Burnout prevention")
    done = joined(await h.tap(ANN, "Done"))
    assert "You're all set." in done and "Mon, Wed, Fri" in done and "Asia/Tokyo" in done
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and profile.onboarded and profile.next_due_at is not None


async def test_buttons_of_a_finished_step_stop_working_politely(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.say(ANN, "/start")
    await h.tap(ANN, "Cultural humility")
    await h.tap(ANN, "Done")
    time_prompt = h.emulator.bot_messages(ANN)[-1]
    await h.tap(ANN, "07:30")
    before = h.services.learners.get(ANN)  # type: ignore[union-attr]
    row = time_prompt.buttons[0]
    # The keyboard was cleared on the tap; a second device may still show it.
    assert await h.press(ANN, time_prompt.message_id, row[0]["callback_data"], check=False) == []
    toast = h.emulator.callback_answers()[-1].text or ""
    assert "That step is already done" in toast
    assert h.services.learners.get(ANN) == before  # type: ignore[union-attr]


async def test_scenes_build_the_learner_this_conversation_makes(harness: Harness) -> None:
    """Other end-to-end tests start from learners built through the services
    (tests/e2e/scenes.py); they must be the learners onboarding by chat leaves."""
    h = harness
    h.user(ANN, "Ann")
    await h.onboard(ANN, time="19:00", zone="Asia/Tokyo", days="weekdays")
    scenes.learner(h, BEN, "Ann", time="19:00", zone="Asia/Tokyo", days=WEEKDAYS)
    chatted = h.services.learners.get(ANN)  # type: ignore[union-attr]
    built = h.services.learners.get(BEN)  # type: ignore[union-attr]
    assert chatted is not None and built is not None and chatted.onboarded
    assert dataclasses.replace(built, id=ANN) == chatted
