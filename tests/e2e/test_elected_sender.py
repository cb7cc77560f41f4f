"""Of several workers on one database only the elected sender sends what is scheduled.

The bot under test shares its database with a (pretend) second worker that holds the
sender lease: the bot's ticks send nothing until that lease runs out unrenewed, and then
the bot takes it over and sends what is due, once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from bot.store.models import Lease
from tests.e2e.harness import Harness
from tests.e2e.scenes import MONDAY_0730, learner, lesson_messages, services

ANN = 2101


def other_worker_holds_the_sender_lease(h: Harness, until: datetime) -> None:
    with services(h).db.session() as session:
        session.exec(
            update(Lease)
            .where(col(Lease.name) == "sender")
            .values(owner="other-host:4242:abcdef", expires_at=until)
        )


async def test_a_worker_sends_nothing_scheduled_while_another_holds_the_lease(
    harness: Harness,
) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730 - timedelta(minutes=1))  # this worker is the sender now
    other_worker_holds_the_sender_lease(h, MONDAY_0730 + timedelta(seconds=20))
    await h.move_to(MONDAY_0730)
    assert lesson_messages(h, ANN) == [], "the other worker sends it"
    assert not services(h).leases.leader()

    await h.move_to(MONDAY_0730 + timedelta(seconds=21))  # its lease ran out unrenewed
    assert services(h).leases.leader()
    assert len(lesson_messages(h, ANN)) == 1
    await h.move_to(MONDAY_0730 + timedelta(minutes=5))
    assert len(lesson_messages(h, ANN)) == 1, "sent once"
