"""A claimed day and the work after it are one transaction: a failure undoes both.

The sqlite3 driver used to commit a claim at the RELEASE of its savepoint, so a failure
after the claim (rendering the lesson, moving the schedule on) left a half-done day: a
delivery row with nothing sent and the learner's next lesson not moved on.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.clock import ManualClock
from bot.config import Settings
from bot.learning.schedule import ALL_DAYS
from bot.services import Services
from bot.services.delivery import Deliveries
from bot.store.models import Delivery, Learner
from bot.telegram.app import build_services

LESSONS = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
MONDAY_0730_BERLIN = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
ANN = 4101

pytestmark = pytest.mark.both_databases


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    settings = Settings(database_url=database_url, lessons_dir=LESSONS)
    clock = ManualClock(MONDAY_0730_BERLIN - timedelta(hours=1))
    built = build_services(settings, clock)
    built.learners.start(ANN, ANN, "Ann")
    built.learners.toggle_track(ANN, "cultural-humility")
    built.learners.confirm_tracks(ANN)
    built.learners.set_time(ANN, time(7, 30))
    built.learners.set_zone(ANN, "Europe/Berlin")
    built.learners.set_days(ANN, ALL_DAYS)
    clock.set(MONDAY_0730_BERLIN)  # the lesson is due now
    yield built
    built.db.dispose()


def state(services: Services) -> tuple[int, datetime | None]:
    with services.db.session() as session:
        days = len(session.exec(select(Delivery)).all())
        learner = session.get(Learner, ANN)
        assert learner is not None
        return days, learner.next_due_at


class Broken(RuntimeError):
    pass


def fail_after_the_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise Broken

    monkeypatch.setattr(Deliveries, "_outgoing", broken)


def test_a_failure_after_the_today_claim_rolls_the_whole_day_back(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(services)
    fail_after_the_claim(monkeypatch)
    with pytest.raises(Broken):
        services.deliveries.today(ANN)
    assert state(services) == before
    monkeypatch.undo()
    result = services.deliveries.today(ANN)
    assert result is not None and result[1] is False  # claimed now, not "already sent"


def test_a_failure_after_a_guarded_batch_claim_rolls_the_batch_back(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(services)
    assert before[0] == 0 and before[1] is not None
    fail_after_the_claim(monkeypatch)
    with pytest.raises(Broken):
        services.deliveries._claim_batch(10, guarded=True)
    assert state(services) == before
    monkeypatch.undo()
    assert len(services.deliveries.claim_due(10)) == 1
