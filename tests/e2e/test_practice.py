"""A lesson's practice, followed up three lesson days later; reflections for the journal;
and, for a team challenge, how many tried it, never who."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.store.models import JournalEntry, PracticeCommitment
from tests.e2e.harness import Harness
from tests.e2e.scenes import FAY, MONDAY_0730, TRACK, joined, learner, reply, services, team

ANN, BEN = 7201, 7202
ASKED = "Did you get to try it?"


def entries(h: Harness, learner_id: int) -> list[tuple[str, str, str | None]]:
    with services(h).db.session() as session:
        rows = session.exec(select(JournalEntry).where(JournalEntry.learner_id == learner_id))
        return [(row.kind, row.text, row.lesson_id) for row in rows]


def follow_ups(h: Harness, user_id: int) -> int:
    return sum(ASKED in text for text in h.texts(user_id))


async def lesson_day(h: Harness, day: int) -> None:
    """07:30 in Berlin on the ``day``-th day after Monday 2 March (0: that Monday)."""
    await h.move_to(MONDAY_0730 + timedelta(days=day))


async def test_the_follow_up_arrives_on_the_third_lesson_day(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await lesson_day(h, 0)
    closing = joined(await h.answer_quiz(ANN))
    assert "Today's practice" in closing and "3 lesson days" in closing
    assert "A question to sit with" in closing
    assert "Noted. In 3 lesson days" in joined(await h.tap(ANN, "I'll try it"))
    for day in (1, 2):
        await lesson_day(h, day)
        assert follow_ups(h, ANN) == 0, f"asked on day {day}"
    await lesson_day(h, 3)
    assert follow_ups(h, ANN) == 1
    await h.tick()  # a later tick the same day asks nothing more
    assert follow_ups(h, ANN) == 1
    assert "one line on what happened" in joined(await h.tap(ANN, "Tried it"))
    refused = await reply(h, ANN, "Used it with patient Jonas, went well")
    assert "patient Jonas" in refused and entries(h, ANN) == []
    assert "Saved to your journal" in await reply(h, ANN, "Named the pause out loud; it helped.")
    [(kind, text, lesson_id)] = entries(h, ANN)
    assert (kind, text) == ("practice", "Named the pause out loud; it helped.")
    assert lesson_id is not None
    await lesson_day(h, 4)
    assert follow_ups(h, ANN) == 1, "one follow-up per practice"


async def test_no_follow_up_without_i_will_try_it_or_during_a_pause(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    learner(h, BEN, "Ben")
    await lesson_day(h, 0)
    await h.answer_quiz(ANN)
    await h.answer_quiz(BEN)
    await h.tap(BEN, "I'll try it")
    await reply(h, BEN, "/pause")
    for day in range(1, 6):
        await lesson_day(h, day)
    assert follow_ups(h, ANN) == 0 and follow_ups(h, BEN) == 0
    await reply(h, BEN, "/resume")
    for day in range(6, 9):
        await lesson_day(h, day)
    assert follow_ups(h, BEN) == 1, "three lesson days after the pause ended"


async def test_a_reflection_is_written_or_skipped(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await lesson_day(h, 0)
    await h.answer_quiz(ANN)
    assert "Only you will see it" in joined(await h.tap(ANN, "Write a reflection"))
    saved = await reply(h, ANN, "I notice I rush when I feel unsure.")
    assert "Saved to your journal on “" in saved
    assert [kind for kind, _, _ in entries(h, ANN)] == ["reflection"]
    await lesson_day(h, 1)
    await h.answer_quiz(ANN)
    assert await h.tap(ANN, "Skip") == []  # a toast, and the buttons go
    assert "not sure what to do" in await reply(h, ANN, "stray words")
    assert len(entries(h, ANN)) == 1


async def test_the_team_sees_how_many_tried_a_challenge_practice_never_who(
    harness: Harness,
) -> None:
    h = harness
    for user_id, name in ((FAY, "Fay"), (ANN, "Ann"), (BEN, "Ben")):
        learner(h, user_id, name)
    clinic = team(h, FAY, (ANN, BEN), show_names=True)
    services(h).challenges.start(FAY, clinic.id, TRACK, 2, None)
    await lesson_day(h, 0)
    for user_id in (FAY, ANN, BEN):
        await h.answer_quiz(user_id)
    await h.tap(FAY, "I'll try it")
    await h.tap(ANN, "I'll try it")
    assert "Practice" not in await reply(h, BEN, "/team"), "nothing followed up yet"
    for day in (1, 2, 3):
        await lesson_day(h, day)
    await h.tap(FAY, "Tried it")
    await h.tap(ANN, "Not yet")
    board = await reply(h, BEN, "/team")
    assert "Day 1: 1 of 3 tried the practice from “" in board
    stats = await reply(h, FAY, "/teamstats")
    assert "Day 1: 1 of 3 tried the practice from “" in stats
    with services(h).db.session() as session:
        states = sorted(row.state for row in session.exec(select(PracticeCommitment)))
    assert states == ["not_yet", "tried"]
