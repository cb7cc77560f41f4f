"""Short database calls: on the event loop when that is cheap, in a thread otherwise.

A quiz answer is the hottest write (a whole cohort answers within minutes) and it is
short: three indexed statements and a commit. Handing it to a worker thread cost more
than the write: the executor's queue, then a wait for the GIL at every statement while
the event loop kept it, about 5 ms each. At 200 answers/s that put p99 from vote to
stored row at 50-250 ms, against about 15 ms when it runs on the loop
(``bench/answers.py``). When another writer of this process holds the database (a
delivery tick claiming a batch), the write waits in a thread instead, so the loop is
never blocked behind it. On PostgreSQL every statement is a network round trip, so the
write always runs in a thread (``Database.may_run_on_loop``), and so does a read
(``short_read``), which on SQLite stays on the loop: a WAL reader never waits for a writer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from bot.store.engine import Database

T = TypeVar("T")


async def short_write(db: Database, call: Callable[[], T]) -> T:
    """Run ``call`` (a few indexed statements) now if that is cheap, else in a thread."""
    if db.may_run_on_loop():
        return call()
    return await asyncio.to_thread(call)


async def short_read(db: Database, call: Callable[[], T]) -> T:
    """Run ``call`` (a few indexed reads) now on SQLite, in a thread on a database server."""
    if db.is_sqlite:
        return call()
    return await asyncio.to_thread(call)
