"""Bad input gets a clear, kind reply and changes nothing."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Harness
from tests.e2e.scenes import bot_message, learner, reply

pytestmark = pytest.mark.both_databases

ANN = 3001


async def reply_to(h: Harness, text: str) -> str:
    return await reply(h, ANN, text)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/time 25:99", "couldn't read that as a time"),
        ("/time 13pm", "couldn't read that as a time"),
        ("/timezone Mars/Base", "don't know that time zone"),
        ("/timezone UTC+15", "don't know that time zone"),
        ("/days someday", "couldn't read those days"),
        ("/pause forever", "Pause for how many days"),
        ("/pause 400", "Pause for how many days"),
        ("/frobnicate", "I don't know /frobnicate"),
        ("x" * 5000, "longer than I can use"),
        ("/time " + "9" * 5000, "longer than I can use"),
        ("hello there", "not sure what to do with that"),
        ("<b>unclosed & 'quoted' \u202e", "not sure what to do with that"),
    ],
)
async def test_bad_input_is_answered_kindly_and_changes_nothing(
    harness: Harness, command: str, expected: str
) -> None:
    h = harness
    learner(h, ANN, "Ann")
    before = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert expected in await reply_to(h, command)
    assert h.services.learners.get(ANN) == before  # type: ignore[union-attr]


async def test_typed_answers_during_setup_are_checked(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.say(ANN, "/start")
    await h.tap(ANN, "Cultural humility")
    await h.tap(ANN, "Done")
    assert "couldn't read that as a time" in await reply_to(h, "25:99")
    assert "Step 3 of 4" in await reply_to(h, "7:30")
    assert "don't know that time zone" in await reply_to(h, "Mars/Base")
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and profile.zone is None and profile.pending_step == "zone"


@pytest.mark.parametrize(
    "forged",
    ["tm:99:99", "tz:Mars/Base", "tr:no-such-track", "dy:t:9", "st:admin", "x" * 64, "drop table"],
)
async def test_forged_callback_data_changes_nothing(harness: Harness, forged: str) -> None:
    h = harness
    learner(h, ANN, "Ann")
    message_id = await bot_message(h, ANN)
    before = h.services.learners.get(ANN)  # type: ignore[union-attr]
    await h.press(ANN, message_id, forged, check=False)
    answers = [a for a in h.emulator.callback_answers() if a.text]
    assert answers and "no longer active" in answers[-1].text
    assert h.services.learners.get(ANN) == before  # type: ignore[union-attr]


async def test_done_without_a_track_asks_for_one(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.say(ANN, "/start")
    await h.tap(ANN, "Done")
    answers = [a.text for a in h.emulator.callback_answers() if a.text]
    assert answers[-1] == "Please choose at least one track."
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and profile.pending_step == "tracks"


async def test_commands_before_start_point_to_start(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    for command in ("/today", "/progress", "/time 7:30", "/settings", "/pause", "/stop"):
        assert "send /start" in await reply_to(h, command), command
    assert h.services.learners.get(ANN) is None  # type: ignore[union-attr]


async def test_a_poll_answer_for_a_poll_we_never_sent_is_ignored(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    before = len(h.emulator.bot_messages(ANN))
    h.emulator.answer_poll(ANN, "forged-poll-id", [0], force=True)
    await h.settle()
    assert len(h.emulator.bot_messages(ANN)) == before
    report = h.services.progress.report(ANN)  # type: ignore[union-attr]
    assert report is not None and report.answers == 0


async def test_help_lists_commands_and_crisis_resources(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    text = await reply_to(h, "/help")
    assert "/today" in text and "/pause" in text
    # No time zone yet, so no country: the region-neutral resources.
    assert "local emergency number" in text and "findahelpline.com" in text and "988" not in text
    learner(h, ANN, "Ann", zone="America/Chicago")
    text = await reply_to(h, "/help")
    assert "/today" in text and "call 911 now" in text and "988lifeline.org" in text
    about = await reply_to(h, "/about")
    assert "not clinical advice" in about
