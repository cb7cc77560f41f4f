"""SQLite's machinery stays with SQLite; on PostgreSQL nothing touches the event loop.

The engine is the one place that knows the dialect: the in-process writer lock, the WAL
checkpoint and the log scrub after an erase exist for SQLite only, and a short write runs
on the loop only where it is a few hundred microseconds in this process.
"""

from __future__ import annotations

import threading

import pytest

from bot.store.engine import Database
from bot.telegram.writes import short_write


def test_postgresql_gets_none_of_sqlites_machinery(postgres_module_database: str) -> None:
    bare = postgres_module_database.replace("postgresql+psycopg://", "postgresql://")
    db = Database(bare)  # a provider's plain URL still gets psycopg 3, the driver we ship
    try:
        assert db.engine.dialect.driver == "psycopg"
        assert not db.is_sqlite
        assert not db.writer_busy() and not db.may_run_on_loop()
        assert db.checkpoint() == (0, 0, 0), "PostgreSQL folds its own log"
        assert db.scrub(), "no SQLite log for erased rows to linger in"
    finally:
        db.dispose()


@pytest.mark.both_databases
async def test_a_short_write_leaves_the_loop_on_postgresql_only(
    database_url: str, backend: str
) -> None:
    db = Database(database_url)
    try:
        ran_in = await short_write(db, threading.get_ident)
    finally:
        db.dispose()
    on_the_loop = ran_in == threading.get_ident()
    assert on_the_loop == (backend == "sqlite")
