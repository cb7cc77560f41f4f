"""A double tap of "Send now" that reaches two workers sends the announcement once."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import func, select

from bot.clock import ManualClock
from bot.config import Settings
from bot.services import Services
from bot.services.announcements import AnnouncementProblem, Announcements, Content
from bot.store.models import AnnouncementDelivery, Learner, Membership
from bot.telegram.app import build_services

LESSONS = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FACILITATOR, MEMBERS = 5100, range(5101, 5106)

pytestmark = pytest.mark.both_databases


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    built = build_services(
        Settings(database_url=database_url, lessons_dir=LESSONS), ManualClock(NOW)
    )
    with built.db.session() as session:
        for user_id in (FACILITATOR, *MEMBERS):
            session.add(Learner(id=user_id, chat_id=user_id, first_name="L", created_at=NOW))
    yield built
    built.db.dispose()


def test_two_send_nows_at_once_send_one_copy_each(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = services.teams.create(FACILITATOR, "Riverside")
    with services.db.session() as session:
        for user_id in MEMBERS:
            session.add(Membership(team_id=team.id, learner_id=user_id, state="active"))
    draft = services.announcements.draft(FACILITATOR, team.id, Content("text", "Hello"))
    # Both taps get past reading the draft before either writes, if nothing stops them.
    both_read = threading.Barrier(2, timeout=1)
    check_cap = Announcements._check_cap

    def meet_then_check(self: Announcements, *args: object) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()  # on SQLite the second tap may be waiting to begin
        check_cap(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Announcements, "_check_cap", meet_then_check)

    def tap() -> str:
        try:
            services.announcements.send_now(FACILITATOR, draft.id)
        except AnnouncementProblem as problem:
            return problem.code
        return "sent"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(lambda _: tap(), range(2)))
    assert outcomes == ["not_draft", "sent"]
    with services.db.session() as session:
        copies = session.exec(select(func.count()).select_from(AnnouncementDelivery)).one()
    assert copies == len(MEMBERS)
