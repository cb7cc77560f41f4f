"""Each update is taken by one live worker at a time, handled once, and pruned later."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.services import Services
from bot.services.updates import Taking, Updates
from bot.telegram.app import build_services

LESSONS = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
TAKEN, HANDLED, BUSY = Taking.TAKEN, Taking.HANDLED, Taking.BUSY


pytestmark = pytest.mark.both_databases


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    settings = Settings(database_url=database_url, lessons_dir=LESSONS)
    services = build_services(settings, ManualClock(NOW))
    yield services
    services.db.dispose()


def other_worker(services: Services) -> tuple[Updates, Services]:
    """The same database seen by a second worker: its own updates service and leases."""
    twin = Services.create(services.db, services.library, services.clock)
    return twin.updates, twin


def test_an_update_is_taken_once_and_ignored_once_handled(services: Services) -> None:
    updates = services.updates
    assert updates.take(1) is TAKEN
    assert updates.take(1) is BUSY, "still being handled: Telegram must try again"
    updates.handled(1)
    assert updates.take(1) is HANDLED
    assert updates.take(2) is TAKEN


def test_a_live_workers_update_is_not_taken_from_it(services: Services) -> None:
    services.leases.renew()
    other, twin = other_worker(services)
    twin.leases.renew()
    assert services.updates.take(5) is TAKEN
    assert other.take(5) is BUSY


def test_a_dead_workers_unhandled_update_is_taken_over(services: Services) -> None:
    """Its worker was killed mid-handler: once its lease runs out, another handles it."""
    clock = services.clock
    assert isinstance(clock, ManualClock)
    services.leases.renew()
    other, twin = other_worker(services)
    assert services.updates.take(6) is TAKEN
    clock.set(NOW + services.leases.ttl + timedelta(seconds=1))  # it stopped renewing
    twin.leases.renew()
    assert other.take(6) is TAKEN
    assert services.updates.take(6) is BUSY, "the new owner is alive"
    other.handled(6)
    assert services.updates.take(6) is HANDLED


def test_a_dead_workers_handled_update_stays_handled(services: Services) -> None:
    clock = services.clock
    assert isinstance(clock, ManualClock)
    services.leases.renew()
    other, twin = other_worker(services)
    assert services.updates.take(7) is TAKEN
    services.updates.handled(7)
    clock.set(NOW + timedelta(minutes=5))
    twin.leases.renew()
    assert other.take(7) is HANDLED


def test_racing_threads_take_an_update_exactly_once(services: Services) -> None:
    """Several workers' connections insert the same id at once: one wins."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(services.updates.take, [77] * 16))
    assert results.count(TAKEN) == 1
    assert results.count(BUSY) == 15


def test_prune_forgets_what_telegram_can_no_longer_resend(services: Services) -> None:
    clock = services.clock
    assert isinstance(clock, ManualClock)
    services.updates.take(10)
    services.updates.handled(10)
    clock.set(NOW + timedelta(hours=12))
    services.updates.take(11)
    services.updates.handled(11)
    clock.set(NOW + timedelta(hours=26))
    assert services.updates.prune() == 1
    assert services.updates.take(10) is TAKEN, "older than Telegram keeps an update"
    assert services.updates.take(11) is HANDLED
