"""Daily delivery, answers, streaks and restarts, with the clock under test control."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.services import delivery as delivery_service
from bot.store.models import Answer, Learner
from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import MONDAY_0730, deliveries, learner, lesson_messages

pytestmark = pytest.mark.both_databases

ANN, BEN = 2001, 2002


async def test_lesson_arrives_at_the_scheduled_minute_with_its_quiz(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    before = len(h.emulator.bot_messages(ANN))
    await h.move_to(MONDAY_0730 - timedelta(minutes=1))
    assert len(h.emulator.bot_messages(ANN)) == before, "nothing before 07:30 Berlin"

    await h.move_to(MONDAY_0730)
    new = h.emulator.bot_messages(ANN)[before:]
    assert len(new) == 3, [text_of(m) for m in new]
    assert "Try this:" in text_of(new[0]) and "Sources" in text_of(new[0])
    assert "Cultural humility: a stance, not a certificate" in text_of(new[0])
    polls = [m.poll for m in new[1:]]
    assert all(p is not None and p["type"] == "quiz" for p in polls)
    assert all(p is not None and p["is_anonymous"] is False for p in polls)

    await h.move_to(MONDAY_0730 + timedelta(minutes=5))
    assert len(h.emulator.bot_messages(ANN)) == before + 3, "sent once, not every tick"


async def test_answering_every_poll_completes_the_day_and_grows_the_streak(
    harness: Harness,
) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    first = h.open_polls(ANN)[0]
    h.emulator.answer_poll(ANN, first.id, [first.correct_option_ids[0]])
    await h.settle()
    assert not any("today done" in t for t in h.texts(ANN)), "one of two answered"
    summary = "\n".join(text_of(m) for m in await h.answer_quiz(ANN, correct=False))
    assert "That's today done" in summary and "got 1 right" in summary

    await h.move_to(MONDAY_0730 + timedelta(days=1))
    tuesday = lesson_messages(h, ANN)[-1]
    assert "Burnout" not in tuesday  # Ann only chose cultural humility
    summary = "\n".join(text_of(m) for m in await h.answer_quiz(ANN))
    assert "Streak: 2 lesson days" in summary
    with h.services.db.session() as session:  # type: ignore[union-attr]
        answers = session.exec(select(Answer).where(Answer.learner_id == ANN)).all()
    assert len(answers) == 4
    assert sum(a.correct for a in answers) == 3
    report = h.services.progress.report(ANN)  # type: ignore[union-attr]
    assert report is not None and report.streak.current == 2 and report.correct == 3


async def test_restart_between_delivery_and_answers_loses_nothing(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    sent = len(h.emulator.bot_messages(ANN))
    await h.restart()
    await h.move_to(MONDAY_0730 + timedelta(minutes=2))
    assert len(h.emulator.bot_messages(ANN)) == sent, "nothing sent twice after a restart"
    summary = "\n".join(text_of(m) for m in await h.answer_quiz(ANN))
    assert "That's today done" in summary
    assert [d.completed_at is not None for d in deliveries(h, ANN)] == [True]


async def test_downtime_sends_late_on_the_same_day_and_skips_a_lost_day(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await h.stop_bot()
    h.clock.set(MONDAY_0730 + timedelta(hours=3))  # down through 07:30, back at 10:30
    await h.start_bot()
    await h.tick()
    assert len(lesson_messages(h, ANN)) == 1, "still Monday in Berlin: sent late"

    await h.stop_bot()
    h.clock.set(MONDAY_0730 + timedelta(days=1, hours=17))  # Wednesday 00:30 in Berlin
    await h.start_bot()
    await h.tick()
    assert len(lesson_messages(h, ANN)) == 1, "Tuesday was lost to downtime: skipped"
    await h.move_to(MONDAY_0730 + timedelta(days=2))
    assert [d.local_date.isoformat() for d in deliveries(h, ANN)] == ["2026-03-02", "2026-03-04"]


async def test_a_blocked_learner_is_skipped_until_they_start_again(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    learner(h, BEN, "Ben")
    h.emulator.block_bot(BEN)
    await h.settle()
    await h.move_to(MONDAY_0730)
    assert len(lesson_messages(h, ANN)) == 1
    assert lesson_messages(h, BEN) == []
    assert h.services.learners.get(BEN).status == "blocked"  # type: ignore[union-attr]

    h.emulator.unblock_bot(BEN)
    await h.say(BEN, "/start")
    assert h.services.learners.get(BEN).status == "active"  # type: ignore[union-attr]
    await h.move_to(MONDAY_0730 + timedelta(days=1))
    assert len(lesson_messages(h, BEN)) == 1


async def test_a_403_during_delivery_marks_the_learner_inactive(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    learner(h, BEN, "Ben")
    h.emulator.add_fault(
        method="sendMessage", chat_id=BEN, status=403,
        description="Forbidden: bot was blocked by the user", times=10,
    )  # fmt: skip
    await h.move_to(MONDAY_0730)
    assert len(lesson_messages(h, ANN)) == 1
    assert h.services.learners.get(BEN).status == "blocked"  # type: ignore[union-attr]
    h.emulator.clear_faults()
    await h.move_to(MONDAY_0730 + timedelta(days=1))
    assert lesson_messages(h, BEN) == []


async def test_today_sends_now_then_shows_again_without_doubling_the_day(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    first = await h.say(ANN, "/today")
    assert len(first) == 3
    await h.answer_quiz(ANN)
    again = await h.say(ANN, "/today")
    assert "Try this:" in text_of(again[0]) and len(again) == 2
    assert "already answered" in text_of(again[1])
    await h.move_to(MONDAY_0730)
    assert len(lesson_messages(h, ANN)) == 2, "the 07:30 lesson is not sent again"
    assert len(deliveries(h, ANN)) == 1
    profile = h.services.learners.get(ANN)  # type: ignore[union-attr]
    assert profile is not None and profile.next_due_at == MONDAY_0730 + timedelta(days=1)


async def test_pause_holds_lessons_and_freezes_the_streak(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    await h.answer_quiz(ANN)
    reply = "\n".join(text_of(m) for m in await h.say(ANN, "/pause 3"))
    # Monday's lesson was already served: the pause covers the next three lesson days.
    assert "Paused for your next 3 lesson days" in reply
    assert "lessons resume on Friday 6 March" in reply
    for day in (1, 2, 3):
        await h.move_to(MONDAY_0730 + timedelta(days=day))
    assert len(lesson_messages(h, ANN)) == 1
    await h.move_to(MONDAY_0730 + timedelta(days=4))
    assert len(lesson_messages(h, ANN)) == 2
    await h.answer_quiz(ANN)
    report = h.services.progress.report(ANN)  # type: ignore[union-attr]
    assert report is not None and report.streak.current == 2


async def test_stop_ends_lessons_but_keeps_data(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await h.say(ANN, "/today")
    assert "Lessons are stopped" in text_of((await h.say(ANN, "/stop"))[0])
    await h.move_to(MONDAY_0730 + timedelta(days=1))
    assert len(lesson_messages(h, ANN)) == 1
    with h.services.db.session() as session:  # type: ignore[union-attr]
        assert session.get(Learner, ANN) is not None
    assert len(deliveries(h, ANN)) == 1


async def test_resume_ends_a_pause_early(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await h.say(ANN, "/pause")
    await h.move_to(MONDAY_0730)
    assert lesson_messages(h, ANN) == [], "paused: nothing is sent"
    reply = "\n".join(text_of(m) for m in await h.say(ANN, "/resume"))
    assert "Welcome back" in reply and "Tuesday 3 March at 07:30" in reply
    await h.move_to(MONDAY_0730 + timedelta(days=1))
    assert len(lesson_messages(h, ANN)) == 1


async def test_a_claim_raced_by_today_is_redone_one_learner_at_a_time(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/today claimed Ann's day after the batch read her history: the batch's insert hits
    the unique day, and the redo serves Ben and skips Ann instead of failing the tick."""
    h = harness
    for user_id, name in ((ANN, "Ann"), (BEN, "Ben")):
        learner(h, user_id, name)
    await h.say(ANN, "/today")
    with h.services.db.session() as session:  # type: ignore[union-attr]
        ann = session.get(Learner, ANN)
        assert ann is not None
        ann.next_due_at = MONDAY_0730  # as if /today had not moved her schedule on yet
        session.add(ann)
    monkeypatch.setattr(delivery_service, "past_deliveries", lambda session, ids: {})
    await h.move_to(MONDAY_0730)
    assert len(lesson_messages(h, ANN)) == 1, "Ann's day is not served twice"
    assert len(lesson_messages(h, BEN)) == 1, "Ben is served despite the clash"
    assert len(deliveries(h, ANN)) == 1
