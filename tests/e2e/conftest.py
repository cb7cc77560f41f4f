"""Fixtures for end-to-end tests: the emulator plus the real bot on a fresh database."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Secret, Settings
from bot.emulator import BotApiEmulator
from bot.store import schema
from bot.store.engine import Database
from tests.e2e.harness import LESSONS, TOKEN, Harness

# Monday 2 March 2026, 05:00 UTC (06:00 in Berlin): before a 07:30 Berlin lesson.
START = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with no rows at the newest schema, migrated once per session.

    Each harness starts on a copy (its own start-up still runs the upgrade, which finds
    nothing to do): running every migration for each of some 200 tests cost ~50 ms apiece.
    Migrating an empty database is tested in tests/unit/test_schema.py, and by the tests
    that run `attune run` and `attune demo`.
    """
    path = tmp_path_factory.mktemp("template") / "attune.db"
    db = Database(f"sqlite:///{path}")
    schema.upgrade(db.engine)
    db.dispose()
    assert [p.name for p in path.parent.iterdir()] == [path.name], "closed cleanly, no log"
    return path


@pytest.fixture
def lessons_dir() -> Path:
    """The lesson library the bot loads: the small fixture library, unless a test module
    overrides this fixture (challenges need tracks with more than two lessons)."""
    return LESSONS


@pytest.fixture
async def harness(
    tmp_path: Path, empty_database: Path, lessons_dir: Path
) -> AsyncIterator[Harness]:
    clock = ManualClock(START)
    emulator = BotApiEmulator(TOKEN, clock=clock.now)
    await emulator.start()
    shutil.copyfile(empty_database, tmp_path / "attune.db")
    settings = Settings(
        token=Secret(TOKEN),
        database_url=f"sqlite:///{tmp_path / 'attune.db'}",
        api_base_url=emulator.base_url,
        lessons_dir=lessons_dir,
        tick_seconds=3600,
        heartbeat_file=tmp_path / "heartbeat",
    )
    h = Harness(emulator, settings, clock)
    try:
        await h.start_bot()
        yield h
    finally:
        await h.stop_bot()
        await emulator.stop()
    assert not h.errors, f"handlers raised: {h.errors!r}"
