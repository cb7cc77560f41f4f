"""An instant stored is the instant read back, whatever zone the database session is in.

``UTCDateTime`` used to hand every database a naive UTC value. PostgreSQL reads a naive
value into ``timestamptz`` in the session's time zone, so on a server set to India's zone
(+05:30) a lesson due at 06:30 UTC was stored as 01:00 UTC: sent five and a half hours
early. These tests pin the session zone explicitly rather than trusting the server's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.store.engine import Database
from bot.store.models import Learner
from bot.store.queries.learners import learners_due

pytestmark = pytest.mark.both_databases

DUE = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
SESSION_ZONE = "Asia/Kolkata"


@pytest.fixture
def db(database_url: str, backend: str) -> Iterator[Database]:
    """The database, with a PostgreSQL session whose zone is +05:30, not UTC."""
    if backend == "postgresql":
        database_url += "?options=" + quote(f"-c TimeZone={SESSION_ZONE}")
    database = Database(database_url)
    yield database
    database.dispose()


def add_learner(db: Database, due: datetime) -> None:
    with db.session() as session:
        session.add(Learner(id=1, chat_id=1, created_at=due, next_due_at=due))


def test_an_instant_reads_back_unshifted_aware_and_in_utc(db: Database) -> None:
    add_learner(db, DUE.astimezone(ZoneInfo("America/Chicago")))  # any zone in, UTC out
    with db.session() as session:
        learner = session.get(Learner, 1)
    assert learner is not None and learner.next_due_at is not None
    assert learner.next_due_at == DUE
    assert learner.next_due_at.utcoffset() == timedelta(0)


def test_the_due_query_meets_the_instant_at_its_minute(db: Database) -> None:
    add_learner(db, DUE)
    with db.session() as session:
        assert learners_due(session, DUE - timedelta(seconds=1), 10) == []
        assert [learner.id for learner in learners_due(session, DUE, 10)] == [1]


def test_postgresql_stores_a_timestamptz_that_other_readers_see_unshifted(
    db: Database, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite keeps naive UTC text: there is no session zone to shift it")
    add_learner(db, DUE)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW TimeZone").scalar_one() == SESSION_ZONE
        kind = connection.execute(text(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'learner' AND column_name = 'next_due_at'"
        )).scalar_one()  # fmt: skip
        utc_wall = connection.execute(
            text("SELECT next_due_at AT TIME ZONE 'UTC' FROM learner")
        ).scalar_one()
    assert kind == "timestamp with time zone"
    assert utc_wall == DUE.replace(tzinfo=None)
