"""Fixtures for end-to-end tests: the emulator plus the real bot on a fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Secret, Settings
from bot.emulator import BotApiEmulator
from tests.e2e.harness import LESSONS, TOKEN, Harness, serving

# Monday 2 March 2026, 05:00 UTC (06:00 in Berlin): before a 07:30 Berlin lesson.
START = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


@pytest.fixture
def lessons_dir() -> Path:
    """The lesson library the bot loads: the small fixture library, unless a test module
    overrides this fixture (challenges need tracks with more than two lessons)."""
    return LESSONS


@pytest.fixture
async def harness(tmp_path: Path, database_url: str, lessons_dir: Path) -> AsyncIterator[Harness]:
    """The bot on a fresh database (SQLite, or also PostgreSQL in modules marked
    ``both_databases``: see tests/conftest.py)."""
    clock = ManualClock(START)
    emulator = BotApiEmulator(TOKEN, clock=clock.now)
    await emulator.start()
    settings = Settings(
        token=Secret(TOKEN),
        database_url=database_url,
        api_base_url=emulator.base_url,
        lessons_dir=lessons_dir,
        tick_seconds=3600,
        heartbeat_file=tmp_path / "heartbeat",
    )
    async with serving(Harness(emulator, settings, clock)) as h:
        yield h
