"""Each update id is taken once, however many workers race for it, and pruned later."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.services import Services
from bot.telegram.app import build_services

LESSONS = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


@pytest.fixture
def services(tmp_path: Path) -> Services:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", lessons_dir=LESSONS)
    return build_services(settings, ManualClock(NOW))


def test_an_update_id_is_new_once(services: Services) -> None:
    assert services.updates.first_time(1) is True
    assert services.updates.first_time(1) is False
    assert services.updates.first_time(2) is True


def test_racing_threads_take_an_update_exactly_once(services: Services) -> None:
    """Several workers' connections insert the same id at once: one wins."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(services.updates.first_time, [77] * 16))
    assert results.count(True) == 1


def test_prune_forgets_what_telegram_can_no_longer_resend(services: Services) -> None:
    clock = services.clock
    assert isinstance(clock, ManualClock)
    services.updates.first_time(10)
    clock.set(NOW + timedelta(hours=12))
    services.updates.first_time(11)
    clock.set(NOW + timedelta(hours=26))
    assert services.updates.prune() == 1
    assert services.updates.first_time(10) is True, "older than Telegram keeps an update"
    assert services.updates.first_time(11) is False
