"""/pause counts lesson days and says so; /settings shows it; /resume knows."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Harness
from tests.e2e.scenes import reply

pytestmark = pytest.mark.both_databases

ANN = 3401


async def reply_to(h: Harness, text: str) -> str:
    return await reply(h, ANN, text)


async def test_pause_counts_scheduled_days_and_settings_show_it(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    # The harness starts on Monday 2 March 2026, 06:00 in Berlin, before the lesson.
    await h.onboard(ANN, days="mon,wed,fri")
    reply = await reply_to(h, "/pause 3")
    assert "Paused for your next 3 lesson days" in reply
    assert "lessons resume on Monday 9 March" in reply  # Mon, Wed, Fri paused
    settings = await reply_to(h, "/settings")
    assert "Paused: lessons resume on Monday 9 March" in settings
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and str(profile.resume_on) == "2026-03-09"


async def test_resume_when_not_paused_says_so(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    await h.onboard(ANN)
    reply = await reply_to(h, "/resume")
    assert "You're not paused" in reply and "Welcome back" not in reply
    await h.say(ANN, "/pause")
    assert "Welcome back" in await reply_to(h, "/resume")
    assert "Paused" not in await reply_to(h, "/settings")
