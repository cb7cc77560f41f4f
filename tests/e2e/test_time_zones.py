"""Streaks across DST changes and a move between time zones: no day skipped or doubled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.harness import Harness
from tests.e2e.scenes import deliveries, learner, lesson_messages

pytestmark = pytest.mark.both_databases

ANN = 6001


async def follow_days(h: Harness, start: datetime, days: int) -> None:
    """Tick every 30 minutes for ``days`` days, answering each lesson as it comes."""
    for step in range(days * 48):
        await h.move_to(start + timedelta(minutes=30 * step))
        if h.open_polls(ANN):
            await h.answer_quiz(ANN)


async def test_spring_forward_and_fall_back_keep_one_lesson_a_day(harness: Harness) -> None:
    """Berlin moves its clocks on 29 March and 25 October 2026; 02:30 is the hard case."""
    h = harness
    learner(h, ANN, "Ann", time="02:30")
    await follow_days(h, datetime(2026, 3, 27, 0, 0, tzinfo=UTC), 4)
    days = [d.local_date.isoformat() for d in deliveries(h, ANN)]
    assert days == ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"]

    await follow_days(h, datetime(2026, 10, 23, 0, 0, tzinfo=UTC), 4)
    autumn = [d.local_date.isoformat() for d in deliveries(h, ANN)][4:]
    assert autumn == ["2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26"]
    report = h.services.progress.report(ANN)  # type: ignore[union-attr]
    assert report is not None and report.streak.completed_days == 8


async def test_moving_from_tokyo_to_los_angeles_mid_streak(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann", zone="Asia/Tokyo")
    await follow_days(h, datetime(2026, 3, 2, 0, 0, tzinfo=UTC), 3)
    assert len(deliveries(h, ANN)) == 3
    await h.say(ANN, "/timezone America/Los_Angeles")
    await follow_days(h, h.clock.now(), 4)
    served = [d.local_date for d in deliveries(h, ANN)]
    assert len(served) == len(set(served)), "no local day served twice"
    assert all((b - a).days in (1, 2) for a, b in zip(served, served[1:], strict=False))
    report = h.services.progress.report(ANN)  # type: ignore[union-attr]
    assert report is not None
    assert report.streak.current == len(served) == report.streak.completed_days
    assert len(lesson_messages(h, ANN)) == len(served)


async def test_flying_east_over_the_lesson_time_still_brings_that_days_lesson(
    harness: Harness,
) -> None:
    """Berlin at 05:00 on Saturday is 13:00 in Tokyo, past the 07:30 lesson: Saturday was
    a day with no lesson at all before (the next one came on Sunday)."""
    h = harness
    h.clock.set(datetime(2026, 3, 6, 5, 0, tzinfo=UTC))  # Friday 06:00 in Berlin
    learner(h, ANN, "Ann", zone="Europe/Berlin")
    await h.move_to(datetime(2026, 3, 6, 6, 30, tzinfo=UTC))  # Friday's lesson
    h.clock.set(datetime(2026, 3, 7, 4, 0, tzinfo=UTC))  # Sat 05:00 Berlin, 13:00 Tokyo
    reply = "\n".join(t.text or "" for t in await h.say(ANN, "/timezone Asia/Tokyo"))
    assert "Next lesson: Saturday 7 March at 13:00 (Asia/Tokyo)" in reply, "at once"
    await h.tick()
    served = [d.local_date.isoformat() for d in deliveries(h, ANN)]
    assert served == ["2026-03-06", "2026-03-07"]
    assert len(lesson_messages(h, ANN)) == 2
    await h.move_to(datetime(2026, 3, 7, 22, 30, tzinfo=UTC))  # Sun 07:30 in Tokyo
    assert [d.local_date.isoformat() for d in deliveries(h, ANN)][-1] == "2026-03-08"
