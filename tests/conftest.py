"""Settings shared by every test, and the databases tests run on.

Tests marked ``both_databases`` (a module's ``pytestmark`` or one test) that take the
``database_url`` fixture run twice: on SQLite and on a real PostgreSQL server that this
session starts (``tests/postgres.py``). ``--backend sqlite`` or ``--backend postgresql``
narrows that to one. Without the server's binaries the PostgreSQL runs are skipped, saying
so; under CI (``CI`` set) they fail instead, so a CI run never passes on SQLite alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from hypothesis import settings
from sqlmodel import SQLModel

from bot.store import schema
from bot.store.engine import Database
from tests import postgres

# Property tests check rules, not speed: Hypothesis' per-example deadline (200 ms) fails
# them on a loaded CI machine. Speed claims live in bench/.
settings.register_profile("attune", deadline=None)
settings.load_profile("attune")

BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "attune_template"
_databases = count(1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=("both", *BACKENDS),
        default="both",
        help="the databases that tests marked both_databases run on (default: both)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_databases: run on SQLite and on a real PostgreSQL server"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run ``both_databases`` tests once per chosen backend; others on SQLite only."""
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_databases") is None:
        return
    chosen = metafunc.config.getoption("backend")
    metafunc.parametrize("backend", BACKENDS if chosen == "both" else (chosen,), indirect=True)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta durations; the int form warns, and warnings are errors."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database this test runs on: SQLite unless the test is marked both_databases."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with no rows at the newest schema, migrated once per session.

    Each test starts on a copy (the bot's own start-up still runs the upgrade, which
    finds nothing to do): running every migration for each of some 200 tests cost ~50 ms
    apiece. Migrating an empty database is tested in tests/unit/test_schema.py.
    """
    path = tmp_path_factory.mktemp("template") / "attune.db"
    db = Database(f"sqlite:///{path}")
    schema.upgrade(db.engine)
    db.dispose()
    assert [p.name for p in path.parent.iterdir()] == [path.name], "closed cleanly, no log"
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer]:
    """One PostgreSQL server for the session, with a migrated template database."""
    bindir = postgres.binaries()
    if bindir is None:
        reason = "no PostgreSQL server binaries (initdb, postgres): apt-get install postgresql"
        if os.environ.get("CI"):
            pytest.fail(f"CI must test PostgreSQL too. {reason}", pytrace=False)
        pytest.skip(reason)
    # Not under pytest's temporary root: that is private to root, and the server runs as
    # the postgres user.
    directory = Path(tempfile.mkdtemp(prefix="attune-pg-"))
    with postgres.running(directory, bindir) as server:
        db = Database(server.create_database(TEMPLATE))
        schema.upgrade(db.engine)
        db.dispose()
        yield server


@pytest.fixture(scope="module")
def postgres_module_database(
    postgres_server: postgres.PostgresServer,
) -> Iterator[str]:
    """A database of this test module's own, copied from the migrated template."""
    name = f"attune_test_{next(_databases)}"
    url = postgres_server.create_database(name, template=TEMPLATE)
    yield url
    postgres_server.drop_database(name)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database with no rows at the newest schema, on this test's backend."""
    if backend == "sqlite":
        path = tmp_path / "attune.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_module_database")
    empty_tables(url)
    return url


@pytest.fixture
def empty_database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A database without a single table (for migrations), on this test's backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: postgres.PostgresServer = request.getfixturevalue("postgres_server")
    name = f"attune_empty_{next(_databases)}"
    yield server.create_database(name)
    server.drop_database(name)


def empty_tables(url: str) -> None:
    """Delete every row and restart every id, as in a new database (~20 ms, not ~200)."""
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    db = Database(url)
    try:
        with db.engine.begin() as connection:
            # A test that left a transaction open fails here, not by hanging the next one.
            connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        db.dispose()
