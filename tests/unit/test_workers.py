"""Several workers on one database: one elected sender, and in-flight work with an owner.

Each "worker" here is its own ``Services`` (its own engine and worker id) on one SQLite
file, with a clock of its own, as separate processes on separate hosts would be.
"""

from __future__ import annotations

import threading
import time as time_module
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.clock import ManualClock
from bot.config import Settings
from bot.learning.lease import Holding, may_take, trusted
from bot.learning.schedule import ALL_DAYS
from bot.services import Services
from bot.services import learners as learners_service
from bot.services.announcements import INTERRUPTED, Content
from bot.services.delivery import SendingState
from bot.store.models import AnnouncementDelivery, Delivery, Learner, Membership
from bot.store.queries.learners import locked_learner
from bot.telegram.app import build_services

LESSONS = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
MONDAY_0730_BERLIN = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
TTL = timedelta(seconds=20)
ANN, BEN = 4101, 4102


def worker(path: Path, clock: ManualClock) -> Services:
    settings = Settings(database_url=f"sqlite:///{path}", lessons_dir=LESSONS)
    return build_services(settings, clock)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_0730_BERLIN - timedelta(hours=1))


@pytest.fixture
def pair(tmp_path: Path, clock: ManualClock) -> tuple[Services, Services]:
    """Two workers; Ann is set up and her lesson is due now."""
    a, b = worker(tmp_path / "w.db", clock), worker(tmp_path / "w.db", clock)
    a.learners.start(ANN, ANN, "Ann")
    a.learners.toggle_track(ANN, "cultural-humility")
    a.learners.confirm_tracks(ANN)
    a.learners.set_time(ANN, time(7, 30))
    a.learners.set_zone(ANN, "Europe/Berlin")
    a.learners.set_days(ANN, ALL_DAYS)
    clock.set(MONDAY_0730_BERLIN)
    return a, b


def test_the_rule_lets_the_holder_renew_and_anyone_take_an_expired_lease() -> None:
    now = MONDAY_0730_BERLIN
    held = Holding("a", now + TTL)
    assert may_take(now, None, "b")
    assert may_take(now, held, "a") and not may_take(now, held, "b")
    assert may_take(now + TTL, held, "b")
    # The holder stops trusting its lease a renewal period (a quarter) before it runs out.
    assert trusted(now, now + TTL, TTL) and not trusted(now + TTL * 3 / 4, now + TTL, TTL)
    assert not trusted(now, None, TTL)


def test_one_worker_is_elected_and_another_takes_over_once_its_lease_runs_out(
    pair: tuple[Services, Services], clock: ManualClock
) -> None:
    a, b = pair
    assert a.leases.renew() and a.leases.leader()
    assert not b.leases.renew() and not b.leases.leader()
    clock.set(MONDAY_0730_BERLIN + timedelta(seconds=10))
    assert a.leases.renew(), "the holder renews"
    assert not b.leases.renew()
    clock.set(MONDAY_0730_BERLIN + timedelta(seconds=30))  # a died after its renewal at 10 s
    assert not a.leases.leader(), "an unrenewed holder stops before anyone can take over"
    assert b.leases.renew() and b.leases.leader()
    assert not a.leases.renew(), "the old holder comes back as a follower"


def test_a_worker_that_stops_hands_the_lease_over_at_once(
    pair: tuple[Services, Services],
) -> None:
    a, b = pair
    assert a.leases.renew()
    a.leases.release()
    assert not a.leases.leader()
    assert b.leases.renew()


def test_a_delivery_a_live_worker_is_sending_is_left_alone_until_that_worker_dies(
    pair: tuple[Services, Services], clock: ManualClock
) -> None:
    a, b = pair
    a.leases.renew()
    b.leases.renew()
    (outgoing,) = a.deliveries.claim_due()
    in_flight = SendingState(outgoing.delivery_id, ANN, 0, 0)
    assert a.deliveries.record([in_flight]) == set()  # the text's request is leaving
    assert b.deliveries.unfinished() == [], "a is alive: b must not resume its delivery"
    clock.set(MONDAY_0730_BERLIN + TTL + timedelta(seconds=1))  # a died; b renewed
    b.leases.renew()
    (resumed,) = b.deliveries.unfinished()
    assert resumed.uncertain and resumed.parts_sent == 1, "the part in flight is never resent"
    assert b.deliveries.unfinished() == [], "resumed once: it is b's now"
    # a was only stalled, not dead: its next part must not go.
    assert a.deliveries.record([SendingState(outgoing.delivery_id, ANN, 1, 1)]) == {
        SendingState(outgoing.delivery_id, ANN, 1, 1)
    }
    with b.db.session() as session:
        row = session.exec(select(Delivery)).one()
        assert (row.sender, row.parts_sent, row.part_in_flight) == (b.leases.worker, 1, None)


def test_a_delivery_handed_back_is_resumed_by_the_sender_at_once(
    pair: tuple[Services, Services],
) -> None:
    a, _b = pair
    (outgoing,) = a.deliveries.claim_due()
    assert a.deliveries.unfinished() == [], "its own run is under way"
    a.deliveries.record([SendingState(outgoing.delivery_id, ANN, 1, None, running=False)])
    (resumed,) = a.deliveries.unfinished()
    assert resumed.parts_sent == 1 and not resumed.uncertain


def announce(a: Services) -> int:
    """Ann announces to a team Ben is in; its fan-out is ready to go."""
    team = a.teams.create(ANN, "Ward 4")
    a.learners.start(BEN, BEN, "Ben")
    with a.db.session() as session:
        session.add(Membership(team_id=team.id, learner_id=BEN, state="active"))
    draft = a.announcements.draft(ANN, team.id, Content("text", "Rota moved"))
    a.announcements.send_now(ANN, draft.id)
    return draft.id


def test_two_workers_never_both_claim_one_announcement(
    pair: tuple[Services, Services], clock: ManualClock
) -> None:
    a, b = pair
    a.leases.renew()
    b.leases.renew()
    announcement = announce(a)
    assert a.announcements.claim(announcement)
    assert not b.announcements.claim(announcement), "a is alive and sending it"
    assert not a.announcements.claim(announcement), "nor a second task of the same worker"
    (recipient,) = a.announcements.next_recipients(announcement, 30)
    assert a.announcements.mark_sending([recipient.delivery_id]) == set()
    clock.set(MONDAY_0730_BERLIN + TTL + timedelta(seconds=1))  # a died mid-request
    b.leases.renew()
    assert b.announcements.claim(announcement)
    assert a.announcements.mark_sending([recipient.delivery_id]) == {recipient.delivery_id}
    with b.db.session() as session:
        row = session.exec(select(AnnouncementDelivery)).one()
        assert (row.state, row.reason) == ("failed", INTERRUPTED), "reported, never resent"


def test_a_released_announcement_can_be_claimed_again(pair: tuple[Services, Services]) -> None:
    a, b = pair
    announcement = announce(a)
    assert a.announcements.claim(announcement)
    a.announcements.release(announcement)
    assert b.announcements.claim(announcement)


def test_two_workers_changing_one_learner_at_once_both_land(
    pair: tuple[Services, Services], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two taps of one learner on two workers: each reads the row, changes it, writes it.

    Worker a pauses between its read and its write; worker b's change comes in the middle.
    Without the lock b would read the row a is about to overwrite, and one track is lost.
    """
    a, b = pair
    a.learners.toggle_track(ANN, "cultural-humility")  # none chosen now
    read = threading.Event()
    paused: list[threading.Thread] = []

    def read_then_pause(session: Session, learner_id: int) -> Learner | None:
        learner = locked_learner(session, learner_id)
        if threading.current_thread() in paused:
            read.set()
            time_module.sleep(0.5)
        return learner

    monkeypatch.setattr(learners_service, "locked_learner", read_then_pause)
    first = threading.Thread(target=a.learners.toggle_track, args=(ANN, "cultural-humility"))
    paused.append(first)
    first.start()
    assert read.wait(5)
    b.learners.toggle_track(ANN, "burnout-prevention")
    first.join()
    profile = a.learners.get(ANN)
    assert profile is not None
    assert set(profile.tracks) == {"cultural-humility", "burnout-prevention"}
