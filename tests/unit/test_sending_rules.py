"""Which failed sends may have arrived, and group commits that batch but never lose."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import aiohttp
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.telegram.sending.failures import Failure, classify, may_have_arrived
from bot.telegram.sending.group_commit import GroupCommit


def caused(error: Exception, cause: Exception) -> Exception:
    error.__cause__ = cause
    return error


ERRORS: list[tuple[Callable[[], Exception], bool]] = [
    (lambda: caused(TimedOut(), aiohttp.SocketTimeoutError("read")), True),
    (lambda: caused(NetworkError("lost"), aiohttp.ServerDisconnectedError()), True),
    (lambda: caused(NetworkError("reset"), aiohttp.ClientOSError(104, "reset")), True),
    (lambda: caused(TimedOut(), aiohttp.ConnectionTimeoutError("connect")), False),
    (lambda: caused(NetworkError("other"), ValueError("not a transport error")), False),
    (lambda: NetworkError("Bad Gateway"), False),  # Telegram answered 502
    (lambda: RetryAfter(timedelta(seconds=3)), False),  # built in the test: PTB_TIMEDELTA
    (lambda: BadRequest("Bad Request: chat not found"), False),
    (lambda: Forbidden("Forbidden: bot was blocked by the user"), False),
]


@pytest.mark.parametrize(("make", "maybe"), ERRORS)
def test_only_a_request_cut_off_on_the_wire_may_have_arrived(
    make: Callable[[], NetworkError], maybe: bool
) -> None:
    assert may_have_arrived(make()) is maybe


async def test_concurrent_records_share_a_write_and_all_wait_for_it() -> None:
    writes: list[list[int]] = []
    journal: GroupCommit[int] = GroupCommit(writes.append)
    await asyncio.gather(*(journal.record(n) for n in range(50)))
    assert sorted(n for batch in writes for n in batch) == list(range(50))
    assert len(writes) < 5, "fifty records at once are a handful of transactions"
    await journal.record(99)
    assert writes[-1] == [99], "a later record gets its own write"


async def test_a_failed_write_fails_every_record_in_it() -> None:
    def broken(items: list[int]) -> None:
        raise OSError("database or disk is full")

    journal: GroupCommit[int] = GroupCommit(broken)
    results = await asyncio.gather(*(journal.record(n) for n in range(3)), return_exceptions=True)
    assert all(isinstance(r, OSError) for r in results)


@pytest.mark.parametrize(
    ("make", "failure"),
    [
        (lambda: Forbidden("Forbidden: bot was blocked by the user"), Failure.BLOCKED),
        (lambda: BadRequest("Bad Request: chat not found"), Failure.GONE),
        (lambda: BadRequest("Bad Request: user is deactivated"), Failure.GONE),
        (lambda: BadRequest("Bad Request: message is too long"), Failure.REFUSED),
        (lambda: caused(TimedOut(), aiohttp.SocketTimeoutError("read")), Failure.UNCERTAIN),
        (lambda: RetryAfter(timedelta(seconds=3)), Failure.RETRY),
        (lambda: NetworkError("Bad Gateway"), Failure.RETRY),
    ],
)
def test_lessons_and_announcements_read_a_failure_the_same_way(
    make: Callable[[], NetworkError], failure: Failure
) -> None:
    assert classify(make()) is failure
