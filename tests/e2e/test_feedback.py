"""/feedback: a report reaches the operators with the lesson id, and nobody's name."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from tests.e2e.harness import Harness, text_of

pytestmark = pytest.mark.both_databases

ANN, OPS = 3201, 3299
MONDAY_0730_BERLIN = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


async def with_operator(h: Harness) -> None:
    h.settings = dataclasses.replace(h.settings, admin_ids=frozenset({OPS}))
    await h.restart()
    h.user(OPS, "Olu")


def said(h: Harness, chat: int, before: int) -> str:
    return "\n".join(text_of(m) for m in h.emulator.bot_messages(chat)[before:])


async def test_feedback_sends_the_lesson_id_and_words_to_the_operators(harness: Harness) -> None:
    h = harness
    await with_operator(h)
    h.user(ANN, "Ann")
    await h.onboard(ANN)
    await h.move_to(MONDAY_0730_BERLIN)
    lesson_id = h.services.feedback.report(ANN, "x").lesson_id  # type: ignore[union-attr]
    assert lesson_id is not None
    before = len(h.emulator.bot_messages(OPS))
    thanks = "\n".join(text_of(m) for m in await h.say(ANN, "/feedback the second link is dead"))
    assert f"about {lesson_id}" in thanks and "without your name" in thanks
    report = said(h, OPS, before)
    assert lesson_id in report and "the second link is dead" in report
    assert "Ann" not in report and str(ANN) not in report


async def test_feedback_can_come_as_the_next_message_and_be_cancelled(harness: Harness) -> None:
    h = harness
    await with_operator(h)
    h.user(ANN, "Ann")
    await h.onboard(ANN)
    asked = "\n".join(text_of(m) for m in await h.say(ANN, "/feedback"))
    assert "What did you find?" in asked
    before = len(h.emulator.bot_messages(OPS))
    await h.say(ANN, "The <b>title</b> & the body disagree")
    assert "The <b>title</b> & the body disagree" in said(h, OPS, before)
    assert "no lesson yet" in said(h, OPS, before)
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and profile.pending_step is None
    await h.say(ANN, "/feedback")
    assert "Cancelled. Nothing was sent." in "\n".join(
        text_of(m) for m in await h.say(ANN, "/cancel")
    )
    assert h.services.learners.get(ANN).pending_step is None  # type: ignore[union-attr]


async def test_feedback_in_distress_gets_crisis_resources_and_is_not_forwarded(
    harness: Harness,
) -> None:
    h = harness
    await with_operator(h)
    h.user(ANN, "Ann")
    await h.onboard(ANN, zone="Europe/London")
    before = len(h.emulator.bot_messages(OPS))
    reply = "\n".join(text_of(m) for m in await h.say(ANN, "/feedback I want to end my life"))
    assert "116 123" in reply
    assert said(h, OPS, before) == ""


async def test_without_operators_the_learner_is_told_nothing_was_sent(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.onboard(ANN)
    reply = "\n".join(text_of(m) for m in await h.say(ANN, "/feedback a typo in lesson 2"))
    assert "no operators set up" in reply
