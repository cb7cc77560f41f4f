"""``ATTUNE_PAID_BROADCAST=1``: scheduled lessons go out with ``allow_paid_broadcast``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.scenes import MONDAY_0730, learner
from tests.e2e.worker_harness import WorkerHarness, running_worker

ANN, BEN = 7201, 7202
SENDS = ("sendMessage", "sendPoll")


def paid_flags(h: WorkerHarness, chat_id: int) -> list[object]:
    """``allow_paid_broadcast`` of every message request to ``chat_id`` (``None``: absent)."""
    return [
        request.params.get("allow_paid_broadcast")
        for request in h.emulator.requests()
        if request.method in SENDS and str(request.params.get("chat_id")) == str(chat_id)
    ]


@pytest.fixture
async def paid(tmp_path: Path, database_url: str) -> AsyncIterator[WorkerHarness]:
    async with running_worker(tmp_path, database_url, paid_broadcast=True) as h:
        yield h


@pytest.fixture
async def free(tmp_path: Path, database_url: str) -> AsyncIterator[WorkerHarness]:
    async with running_worker(tmp_path, database_url) as h:
        yield h


async def test_scheduled_lessons_are_paid_broadcasts_when_the_flag_is_on(
    paid: WorkerHarness,
) -> None:
    h = paid
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    assert paid_flags(h, ANN) == ["true"] * 3, "the text and both quiz polls, as sent"


async def test_a_learners_own_today_and_replies_are_never_paid(paid: WorkerHarness) -> None:
    h = paid
    learner(h, BEN, "Ben")
    await h.say(BEN, "/today")
    await h.answer_quiz(BEN)
    flags = paid_flags(h, BEN)
    assert len(flags) == 5 and set(flags) == {None}, "lesson, two polls, day complete, reflect"


async def test_without_the_flag_no_send_asks_to_pay(free: WorkerHarness) -> None:
    h = free
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    assert paid_flags(h, ANN) == [None, None, None]
