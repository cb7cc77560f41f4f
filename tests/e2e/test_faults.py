"""Faults: a host clock that jumps, Telegram misbehaving, a database that cannot write.

Each guarantee is checked end to end; the bot must keep serving everyone else and catch
up when the trouble ends, without losing or doubling a lesson.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event

from bot.telegram import texts
from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import MONDAY_0730, deliveries, learner, lesson_messages

ANN, BEN = 9001, 9002


async def two_learners(h: Harness) -> None:
    learner(h, ANN, "Ann")
    learner(h, BEN, "Ben")


async def test_a_clock_jumping_back_and_forward_neither_doubles_nor_breaks(
    harness: Harness,
) -> None:
    h = harness
    await two_learners(h)
    await h.move_to(MONDAY_0730)
    await h.answer_quiz(ANN)
    await h.move_to(MONDAY_0730 - timedelta(minutes=10))  # the host clock steps back
    await h.move_to(MONDAY_0730 + timedelta(minutes=1))
    await h.move_to(MONDAY_0730 + timedelta(hours=1, minutes=1))  # and jumps forward
    assert len(lesson_messages(h, ANN)) == 1 and len(lesson_messages(h, BEN)) == 1
    await h.move_to(MONDAY_0730 + timedelta(days=1))
    await h.answer_quiz(ANN)
    report = h.services.progress.report(ANN)  # type: ignore[union-attr]
    assert report is not None and report.streak.current == 2
    assert len(deliveries(h, ANN)) == 2


@pytest.mark.parametrize(
    ("status", "retry_after"), [(429, 1), (500, None), (502, None), (400, None), (403, None)]
)
async def test_telegram_errors_for_one_learner_do_not_stop_the_others(
    harness: Harness, status: int, retry_after: int | None
) -> None:
    h = harness
    await two_learners(h)
    description = {
        403: "Forbidden: bot was blocked by the user",
        400: "Bad Request: chat not found",
    }
    h.emulator.add_fault(
        method="sendMessage", chat_id=BEN, status=status, retry_after=retry_after,
        description=description.get(status), times=1 if status == 429 else None,
    )  # fmt: skip
    await h.move_to(MONDAY_0730)
    assert len(lesson_messages(h, ANN)) == 1, "everyone else is served"
    h.emulator.clear_faults()
    await h.move_to(MONDAY_0730 + timedelta(minutes=5))
    got = len(lesson_messages(h, BEN))
    if status in (403, 400):
        assert got == 0 and h.services.learners.get(BEN).status == "blocked"  # type: ignore[union-attr]
    else:
        assert got == 1, "caught up once Telegram recovered, exactly once"


async def test_a_minute_of_refused_connections_is_caught_up(harness: Harness) -> None:
    h = harness
    await two_learners(h)
    await h.emulator.pause()  # the Bot API refuses connections
    h.clock.set(MONDAY_0730)
    await h.tick()
    assert lesson_messages(h, ANN) == []
    await h.emulator.resume()
    await h.move_to(MONDAY_0730 + timedelta(minutes=1))
    assert len(lesson_messages(h, ANN)) == 1 and len(lesson_messages(h, BEN)) == 1
    await h.move_to(MONDAY_0730 + timedelta(minutes=2))
    assert len(lesson_messages(h, ANN)) == 1


def read_only(connection, _record) -> None:  # type: ignore[no-untyped-def]
    """SQLite itself refuses every write on this connection."""
    connection.execute("PRAGMA query_only=ON")


class FullDisk(sqlite3.Connection):
    """A connection whose writes fail as SQLite fails them when the disk is full."""

    def cursor(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return FullDiskCursor(self)


class FullDiskCursor(sqlite3.Cursor):
    def execute(self, sql, *args):  # type: ignore[no-untyped-def]
        if sql.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)

    def executemany(self, sql, *args):  # type: ignore[no-untyped-def]
        return self.execute(sql, *args)


def full_disk(_dialect, _record, _args, params) -> None:  # type: ignore[no-untyped-def]
    """New connections are ``FullDisk`` connections."""
    params["factory"] = FullDisk


@pytest.mark.parametrize(
    ("event_name", "listener", "message"),
    [
        ("connect", read_only, "attempt to write a readonly database"),
        ("do_connect", full_disk, "database or disk is full"),
    ],
    ids=["read-only", "full-disk"],
)
async def test_a_database_that_cannot_write_keeps_the_work_for_later(
    harness: Harness,
    caplog: pytest.LogCaptureFixture,
    event_name: str,
    listener: object,
    message: str,
) -> None:
    h = harness
    await two_learners(h)
    engine = h.services.db.engine  # type: ignore[union-attr]
    event.listen(engine, event_name, listener)
    engine.dispose()  # new connections: every write now fails
    with caplog.at_level(logging.ERROR):
        for minutes in range(0, 30, 10):
            h.clock.set(MONDAY_0730 + timedelta(minutes=minutes))
            try:
                await h.tick()
            except Exception as error:  # noqa: BLE001  as PTB's job queue does with it:
                await h.application.process_error(None, error)  # type: ignore[union-attr]
    assert lesson_messages(h, ANN) == []
    assert f"database unavailable ({message})" in caplog.text
    assert "scheduled work is kept" in caplog.text
    h.errors.clear()  # expected: the bot's error handler logged them
    event.remove(engine, event_name, listener)
    engine.dispose()
    await h.move_to(MONDAY_0730 + timedelta(minutes=31))
    assert len(lesson_messages(h, ANN)) == 1 and len(lesson_messages(h, BEN)) == 1


async def test_a_busy_database_is_waited_for_not_failed(harness: Harness) -> None:
    """Another writer holds SQLite's write lock for 1.5 s; the tick waits and delivers."""
    h = harness
    await two_learners(h)
    path = h.services.db.engine.url.database  # type: ignore[union-attr]
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with sqlite3.connect(path) as other:
            other.execute("BEGIN IMMEDIATE")
            locked.set()
            release.wait(5)
            other.rollback()

    thread = threading.Thread(target=hold_lock)
    thread.start()
    locked.wait(5)
    h.clock.set(MONDAY_0730)
    loop = asyncio.get_running_loop()
    loop.call_later(1.5, release.set)
    await h.tick()
    thread.join()
    assert len(lesson_messages(h, ANN)) == 1 and len(lesson_messages(h, BEN)) == 1


async def test_a_timed_out_part_is_not_resent_and_the_learner_can_ask_again(
    harness: Harness,
) -> None:
    """A timeout may hide a delivered message: no second copy, and a way to get it."""
    h = harness
    await two_learners(h)
    # Longer than the bot's 5 s read timeout: the text arrives late. Only sendMessage, so
    # the bot's long poll is not held up and the next gestures are fetched at once.
    h.emulator.set_latency(6, method="sendMessage")
    await h.move_to(MONDAY_0730)
    h.emulator.set_latency(0)
    await h.move_to(MONDAY_0730 + timedelta(minutes=1))
    assert len(lesson_messages(h, ANN)) == 1, "the timed-out text did arrive, once"
    assert len(h.open_polls(ANN)) == 2, "the rest of the lesson followed"
    assert h.texts(ANN)[-1] == texts.LESSON_MAY_BE_MISSING
    (delivery,) = deliveries(h, ANN)
    assert delivery.uncertain and delivery.state == "sent"
    await h.move_to(MONDAY_0730 + timedelta(minutes=2))
    assert h.texts(ANN).count(texts.LESSON_MAY_BE_MISSING) == 1, "the note comes once"
    again = await h.tap(ANN, texts.LESSON_AGAIN_BUTTON)
    assert "Try this:" in text_of(again[0]), "asked for, the lesson comes again"
    summary = await h.answer_quiz(ANN)
    assert "That's today done" in text_of(summary[-2]), "then the reflection prompt"


async def test_the_log_is_checkpointed_in_the_background_and_a_failed_checkpoint_is_retried(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    await two_learners(h)
    job_queue = h.application.job_queue  # type: ignore[union-attr]
    (job,) = job_queue.get_jobs_by_name("wal-checkpoint")
    db = h.services.db  # type: ignore[union-attr]
    calls: list[tuple[int, int, int]] = []
    checkpoint = db.checkpoint

    def broken() -> tuple[int, int, int]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(db, "checkpoint", broken)
    with caplog.at_level(logging.WARNING):
        await job.run(h.application)  # type: ignore[arg-type]
    assert "checkpoint failed, will retry: disk I/O error" in caplog.text
    monkeypatch.setattr(db, "checkpoint", lambda: calls.append(checkpoint()) or calls[-1])
    await job.run(h.application)  # type: ignore[arg-type]
    ((busy, frames, copied),) = calls
    assert busy == 0 and copied == frames > 0, "onboarding's writes were waiting in the log"
    assert job.job.trigger.interval.total_seconds() <= 10, "often enough to keep the log short"
