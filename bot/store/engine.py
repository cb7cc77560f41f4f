"""The database engine: the only place that knows which database it is talking to.

SQLite (the embedded default): WAL lets the delivery tick write while handlers read;
foreign keys make deleting a learner delete everything about them; writers in this
process take turns (``one_writer``) and a busy timeout rides out the rare write from
another process. PostgreSQL (``postgresql+psycopg://``, the ``postgres`` extra) needs none
of that machinery: it has row locks, and every call is a network round trip, so nothing
that touches it runs on the event loop (``may_run_on_loop``).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from bot.store import models  # noqa: F401  (registers the tables)
from bot.store.one_writer import serialize_writers

BUSY_TIMEOUT_S = 15
# How long a thread may hold the GIL while another wants it (Python's default is 5 ms).
SERVER_SWITCH_INTERVAL_S = 0.0005


class Database:
    """An engine plus short-lived sessions; one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = is_sqlite(url)
        self.engine, self._writer = _create_engine(url)
        if not self.is_sqlite:
            _hand_over_the_gil_sooner()

    def writer_busy(self) -> bool:
        """Whether a write transaction of this process is under way right now."""
        return self._writer is not None and self._writer.locked()

    def may_run_on_loop(self) -> bool:
        """Whether a short call (a few indexed statements) may run on the event loop now.

        Only SQLite while no other writer of this process holds it: the call is then a
        few hundred microseconds in this process. On PostgreSQL each statement is a
        network round trip, so calls always go to a thread.
        """
        return self.is_sqlite and not self.writer_busy()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def checkpoint(self) -> tuple[int, int, int]:
        """Copy the write-ahead log into the database without blocking any writer.

        Returns SQLite's (busy, log frames, frames checkpointed). PASSIVE never waits: a
        frame a reader still needs is copied on a later call. Other databases keep their
        own log: nothing to do, (0, 0, 0).
        """
        if not self.is_sqlite:
            return 0, 0, 0
        with self.engine.connect() as connection:
            row = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return int(row[0]), int(row[1]), int(row[2])

    def scrub(self, attempts: int = 50) -> bool:
        """After an erase: empty the write-ahead log so no erased byte survives on disk.

        Deleted rows are zeroed in the database pages (``secure_delete``), but older
        copies of those pages stay in the log until it is checkpointed and truncated.
        TRUNCATE waits for readers of older snapshots; retried briefly, ``True`` once the
        log is empty. Blocking: call it from a thread.
        """
        if not self.is_sqlite or not self.engine.url.database:
            return True  # not a SQLite file: nothing of ours lingers in a log
        for _ in range(attempts):
            with self.engine.connect() as connection:
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]
            if not busy:
                return True
            time.sleep(0.02)
        return False

    def dispose(self) -> None:
        """Close pooled connections (on shutdown and in tests)."""
        self.engine.dispose()


def _hand_over_the_gil_sooner() -> None:
    """On a database server every call runs in a worker thread, and each statement's
    answer then waits for the GIL while the event loop holds it: up to 5 ms a statement
    by default, four or five statements an answer. At 200 answers/s on PostgreSQL, three
    alternating runs each way put p50 from vote to stored row at 18.0/18.7/10.0 ms with
    5 ms and 14.6/14.8/9.2 ms with 0.5 ms (p99 was too noisy on a shared machine to
    compare). A process-wide setting, so it is only lowered, never raised."""
    sys.setswitchinterval(min(sys.getswitchinterval(), SERVER_SWITCH_INTERVAL_S))


def is_sqlite(url: str) -> bool:
    """Whether ``url`` names a SQLite database (the file, or one in memory)."""
    return make_url(url).drivername.startswith("sqlite")


def server_url(url: str) -> str:
    """``url`` for a database server's own tools (``pg_dump``): no driver, no password."""
    parsed = make_url(url)
    # ``set`` ignores None, so the password is dropped with the named tuple's _replace.
    bare = parsed.set(drivername=parsed.get_backend_name())._replace(password=None)
    return bare.render_as_string(hide_password=False)


def _create_engine(url: str) -> tuple[Engine, threading.Lock | None]:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        # psycopg 3 is the driver we ship (the ``postgres`` extra); SQLAlchemy would
        # otherwise look for psycopg2 behind a bare postgresql:// URL.
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(parsed, pool_pre_ping=True), None
    connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
    kwargs: dict[str, Any] = {"connect_args": connect_args}
    if not parsed.database or parsed.database == ":memory:":
        kwargs["poolclass"] = StaticPool
    else:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "savepoint", _begin_before_savepoint)
    return engine, serialize_writers(engine, timeout=BUSY_TIMEOUT_S)


def _begin_before_savepoint(connection: Any, _name: str | None) -> None:
    """A SAVEPOINT is never the outermost transaction: BEGIN first when none is open.

    The sqlite3 driver begins a transaction only before a write, so a SAVEPOINT after
    reads alone started the transaction itself, and its RELEASE committed: a day claimed
    in a savepoint stayed claimed when the work after it failed. SQLAlchemy's pysqlite
    recipe (``isolation_level=None`` and BEGIN at every transaction) fixes that too, but
    in WAL mode it makes every read-then-write session fail at once with "database is
    locked" when another writer committed after its first read (a stale snapshot cannot
    be upgraded; SQLite does not wait). Beginning only here keeps reads outside
    transactions, as before, and makes the savepoint and everything after it one
    transaction that a failure rolls back whole.
    """
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def _configure_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted content is overwritten with zeros, so an erased learner's words do not
    # linger in free pages of the database file (``Database.scrub`` empties the log).
    cursor.execute("PRAGMA secure_delete=ON")
    # No checkpoint inside a commit: it copies the log into the database and syncs it,
    # tens of milliseconds on the event loop for whichever answer crossed the threshold.
    # ``Database.checkpoint`` runs from a background job instead (``bot.telegram.jobs``).
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def unavailable_reason(error: BaseException | None) -> str | None:
    """Why the database refused work (disk full, read-only, locked), or ``None``.

    The error handler reads this so it can say that nothing was committed and scheduled
    work stays due, without the Telegram edge knowing SQLAlchemy's exception types.
    """
    if isinstance(error, OperationalError):
        return str(error.orig) if error.orig else str(error)
    return None
