"""Writers in one process take turns on a lock and never meet SQLite's busy handler."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.exc import IntegrityError

from bot.store import schema
from bot.store.engine import Database
from bot.store.models import Learner
from bot.telegram.writes import short_write

NOW = datetime(2026, 3, 2, tzinfo=UTC)
THREADS = 8
WRITES = 40


def impatient(db: Database) -> None:
    """No busy timeout at all: any write that meets another fails at once."""

    def no_wait(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA busy_timeout=0")

    event.listen(db.engine, "connect", no_wait)
    db.engine.dispose()


def learner(n: int) -> dict[str, Any]:
    return {"id": n, "chat_id": n, "first_name": f"L{n}", "zone": "UTC", "created_at": NOW}


def run_threads(target: Any) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(t: int) -> None:
        try:
            target(t)
        except BaseException as error:  # noqa: BLE001 - the test reports them
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'w.db'}")
    schema.upgrade(database.engine)
    impatient(database)
    return database


def test_concurrent_writers_never_see_database_is_locked(db: Database) -> None:
    def writer(t: int) -> None:
        for i in range(WRITES):
            with db.engine.begin() as connection:
                connection.execute(select(Learner.id).limit(1)).all()  # reads need no turn
                connection.execute(insert(Learner), [learner(t * 1000 + i)])

    assert run_threads(writer) == []
    with db.engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM learner")).scalar_one()
    assert count == THREADS * WRITES


def test_a_failed_or_abandoned_write_gives_the_turn_back(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(insert(Learner), [learner(1)])
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(insert(Learner), [learner(1)])  # rolled back
    with db.engine.connect() as connection:  # closed without commit: the pool rolls back
        connection.execute(insert(Learner), [learner(2)])
    with db.session() as session:  # the ORM's commit path
        session.add(Learner(id=3, chat_id=3, first_name="L3", zone="UTC", created_at=NOW))

    def writer(t: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(insert(Learner), [learner(10 + t)])

    assert run_threads(writer) == [], "nobody is left waiting for a stranded turn"
    with db.engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM learner ORDER BY id")).scalars().all()
    assert ids == [1, 3, *range(10, 10 + THREADS)]


async def test_a_short_write_runs_on_the_loop_unless_another_writer_holds_the_database(
    db: Database,
) -> None:
    loop_thread = threading.get_ident()
    made = iter(range(100, 200))

    def where() -> int:
        with db.engine.begin() as connection:
            connection.execute(insert(Learner), [learner(next(made))])
        return threading.get_ident()

    assert await short_write(db, where) == loop_thread, "free: no thread hop"
    started, finish = threading.Event(), threading.Event()

    def long_writer() -> None:
        with db.engine.begin() as connection:
            connection.execute(insert(Learner), [learner(1)])
            started.set()
            finish.wait(5)

    thread = threading.Thread(target=long_writer)
    thread.start()
    started.wait(5)
    assert db.writer_busy()
    waiting = asyncio.ensure_future(short_write(db, where))
    await asyncio.sleep(0.05)
    assert not waiting.done(), "it waits for its turn, and not on the loop"
    finish.set()
    assert await waiting != loop_thread
    thread.join()
    assert not db.writer_busy()


def test_commits_leave_the_log_to_the_background_checkpoint(db: Database) -> None:
    with db.engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
        for n in range(300):
            connection.execute(insert(Learner), [learner(1000 + n)])
    for n in range(50):  # many small commits, as answers come
        with db.engine.begin() as connection:
            connection.execute(insert(Learner), [learner(2000 + n)])
    busy, frames, copied = db.checkpoint()
    assert busy == 0 and frames > 0, "the commits left their frames in the log"
    assert copied == frames, "with no reader in the way, all of it is copied"
    assert db.checkpoint()[2] == db.checkpoint()[1], "and again, harmlessly"
