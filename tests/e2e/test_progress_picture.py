"""/progress sends its calendar picture beside the text: a PNG the emulator keeps."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import FAY, MONDAY_0730, TRACK, learner, services, team

ANN, BEN = 7301, 7302
PNG = b"\x89PNG\r\n\x1a\n"


async def test_progress_sends_a_calendar_png_beside_the_text(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    for day in range(3):
        await h.move_to(MONDAY_0730 + timedelta(days=day))
        await h.answer_quiz(ANN, correct=day != 1)
    text, photo = await h.say(ANN, "/progress")
    assert "Your progress" in text_of(text) and "Current streak: 3 lesson days" in text_of(text)
    assert photo.photo is not None and "last 12 weeks" in (photo.caption or "")
    stored = h.emulator.world.files[photo.photo[-1]["file_id"]]
    assert stored.data.startswith(PNG) and stored.width > stored.height > 100


async def test_no_picture_for_a_stranger(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    [reply] = await h.say(ANN, "/progress")
    assert reply.photo is None and "/start" in text_of(reply)


async def test_teamstats_sends_a_chart_of_daily_completion(harness: Harness) -> None:
    h = harness
    for user_id, name in ((FAY, "Fay"), (ANN, "Ann"), (BEN, "Ben")):
        learner(h, user_id, name)
    clinic = team(h, FAY, (ANN, BEN))
    services(h).challenges.start(FAY, clinic.id, TRACK, 2, None)
    assert all(m.photo is None for m in await h.say(FAY, "/teamstats")), "nothing sent yet"
    await h.move_to(MONDAY_0730)
    await h.answer_quiz(FAY)
    await h.answer_quiz(ANN)
    messages = await h.say(FAY, "/teamstats")
    assert "Day 1 (" in text_of(messages[0]) and "2 of 3" in text_of(messages[0])
    chart = messages[-1]
    assert chart.photo is not None and "Riverside clinic" in (chart.caption or "")
    assert h.emulator.world.files[chart.photo[-1]["file_id"]].data.startswith(PNG)
    assert all(m.photo is None for m in await h.say(BEN, "/teamstats")), "facilitators only"
