"""Zone words people actually type: abbreviations get choices, offsets get a warning."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import reply

pytestmark = pytest.mark.both_databases

ANN = 3301


async def reply_to(h: Harness, text: str) -> str:
    return await reply(h, ANN, text)


async def test_an_abbreviation_offers_the_zones_it_may_mean(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.onboard(ANN, zone="Europe/Berlin")
    reply = await reply_to(h, "/timezone CST")
    assert "can mean more than one time zone" in reply
    labels = [b["text"] for row in h.emulator.bot_messages(ANN)[-1].buttons for b in row]
    assert [label.rsplit(" ", 1)[0] for label in labels] == [
        "America/Chicago",
        "America/Mexico City",
        "Asia/Shanghai",
    ]
    assert h.services.learners.get(ANN).zone == "Europe/Berlin"  # type: ignore[union-attr]
    saved = "\n".join(text_of(m) for m in await h.tap(ANN, "America/Chicago"))
    assert "America/Chicago" in saved
    assert h.services.learners.get(ANN).zone == "America/Chicago"  # type: ignore[union-attr]


async def test_zone_words_are_understood_during_onboarding_too(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.say(ANN, "/start")
    await h.tap(ANN, "Cultural humility")
    await h.tap(ANN, "Done")
    await h.say(ANN, "7:30")
    assert "can mean more than one time zone" in await reply_to(h, "IST")
    assert "Step 4 of 4" in "\n".join(text_of(m) for m in await h.tap(ANN, "Asia/Kolkata"))


async def test_a_fixed_offset_is_accepted_with_a_daylight_saving_warning(
    harness: Harness,
) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.onboard(ANN)
    reply = await reply_to(h, "/timezone GMT-6")
    assert "Saved UTC-06:00" in reply and "does not follow daylight saving time" in reply
    assert h.services.learners.get(ANN).zone == "UTC-06:00"  # type: ignore[union-attr]
    assert "does not follow daylight saving" not in await reply_to(h, "/timezone Chicago")
