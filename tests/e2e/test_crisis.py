"""A message that may come from someone in crisis gets resources, at once, never a shrug."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import learner, reply

pytestmark = pytest.mark.both_databases

ANN = 3101


async def reply_to(h: Harness, text: str) -> str:
    return await reply(h, ANN, text)


async def test_distress_gets_the_learners_country_resources_not_the_fallback(
    harness: Harness,
) -> None:
    h = harness
    learner(h, ANN, "Ann", zone="America/Chicago")
    reply = await reply_to(h, "I can't go on, I want to end my life")
    assert "call 911 now" in reply and "call or text 988" in reply.lower()
    assert "can't respond to emergencies" in reply
    assert "not sure what to do" not in reply
    assert "Samaritans" not in reply


async def test_a_learner_in_london_is_given_samaritans(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann", zone="Europe/London")
    reply = await reply_to(h, "honestly I'm better off dead")
    assert "116 123" in reply and "call 999 now" in reply and "988" not in reply
    help_text = await reply_to(h, "/help")
    assert "116 123" in help_text and "/today" in help_text


async def test_distress_typed_during_onboarding_is_answered_and_saves_nothing(
    harness: Harness,
) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.say(ANN, "/start")
    await h.tap(ANN, "Cultural humility")
    await h.tap(ANN, "Done")
    reply = await reply_to(h, "I want to kill myself")
    assert "call your local emergency number now" in reply
    assert "findahelpline.com" in reply
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and profile.at is None and profile.pending_step == "time"
    assert "Step 3 of 4" in await reply_to(h, "7:30")


async def test_distress_before_start_and_in_a_caption_still_gets_resources(
    harness: Harness,
) -> None:
    h = harness
    h.user(ANN, "Ann")
    assert "findahelpline.com" in await reply_to(h, "i dont want to be alive")
    learner(h, ANN, "Ann", zone="Australia/Sydney")
    before = len(h.emulator.bot_messages(ANN))
    h.emulator.send_file(ANN, "photo", "sky.jpg", b"\xff\xd8", caption="feeling hopeless tonight")
    await h.settle()
    reply = "\n".join(text_of(m) for m in h.emulator.bot_messages(ANN)[before:])
    assert "13 11 14" in reply and "call 000 now" in reply


async def test_a_figure_of_speech_gets_the_ordinary_reply(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann", zone="America/Chicago")
    reply = await reply_to(h, "this lesson is killing me")
    assert "not sure what to do with that" in reply and "988" not in reply
