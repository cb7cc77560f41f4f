"""One writer at a time inside the process, queued on a lock instead of SQLite's busy wait.

SQLite lets one connection write at a time. When a second one tries, SQLite's busy
handler sleeps and retries, in steps of up to 100 ms. The bot writes from several worker
threads at once (a cohort's quiz answers, the delivery journal, handlers), and those
sleeps were the long tail of answer latency: p99 at 200 answers/s went from about 2 s to
about 40 ms once writers queued here instead (``bench/answers.py``).

The lock is taken before a transaction's first write statement and released once it has
committed or rolled back (the dialect's own ``do_commit``/``do_rollback``, which the pool
also uses when it resets a connection), so reads never wait for it. Other processes
(``attune db backup``) still meet SQLite's busy timeout.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
_HELD = "attune_writer_lock_held"


def serialize_writers(engine: Engine, timeout: float) -> threading.Lock:
    """Make ``engine``'s write transactions take turns on one lock; return the lock."""
    lock = threading.Lock()

    def take(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        info = connection.info
        if info.get(_HELD) or not _WRITES.match(statement):
            return
        if not lock.acquire(timeout=timeout):
            raise sqlite3.OperationalError("database is locked (waited for another writer)")
        info[_HELD] = True

    def give_back(info: dict[str, Any]) -> None:
        if info.pop(_HELD, False):
            lock.release()

    def after(end: Callable[[Any], None]) -> Callable[[Any], None]:
        def ended(connection: Any) -> None:
            try:
                end(connection)
            finally:
                give_back(_info_of(connection))

        return ended

    event.listen(engine, "before_cursor_execute", take)
    dialect = engine.dialect
    # Wrapping the dialect's own commit and rollback is how the lock is released on every
    # path; mypy objects to assigning to a method, which is exactly what is meant here.
    dialect.do_commit = after(dialect.do_commit)  # type: ignore[method-assign,assignment]
    dialect.do_rollback = after(dialect.do_rollback)  # type: ignore[method-assign,assignment]
    # Never strand the lock, whatever path a connection takes back to the pool.
    event.listen(engine.pool, "checkin", lambda _dbapi, record: give_back(record.info))
    return lock


def _info_of(connection: Any) -> dict[str, Any]:
    """The pooled connection's info; the bare connection SQLAlchemy probes first has none."""
    try:
        # The type: ignore below: SQLAlchemy types connection.info as Any.
        return connection.info  # type: ignore[no-any-return]
    except NotImplementedError:
        return {}
