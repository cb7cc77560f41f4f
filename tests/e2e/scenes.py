"""Scenes for end-to-end tests, built through the services instead of by chatting.

A test starts where its subject starts: learners who finished onboarding, a clinic's
team, then the conversation under test, over HTTP. Only tests whose subject is
onboarding or the conversation itself chat their way there (``Harness.onboard``;
test_onboarding.py checks that the conversation writes what these builders write).
Building through the services keeps each test to its own subject, and fast.

Also here: what several test files read back (deliveries, lesson messages).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlmodel import col, select

from bot.emulator.models import StoredMessage
from bot.learning.schedule import ALL_DAYS, parse_time
from bot.services import Services
from bot.services.teams import TeamView
from bot.store.models import Delivery
from tests.e2e.harness import Harness, text_of

# Monday 2 March 2026 05:00 UTC (the harness clock's start): before 07:30 in Berlin,
# the night before in Chicago.
MONDAY = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
# Europe/Berlin is UTC+1 in early March 2026: 07:30 local is 06:30 UTC.
MONDAY_0730 = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
TRACK = "cultural-humility"

# The clinic: Fay facilitates; her colleagues live in other time zones.
FAY, ANN, BEN, CHO, DEV = 8001, 8002, 8003, 8004, 8005
CLINIC = "Riverside clinic"


def services(h: Harness) -> Services:
    assert h.services is not None, "the bot is not running"
    return h.services


def learner(
    h: Harness,
    user_id: int,
    name: str,
    *,
    time: str = "07:30",
    zone: str = "Europe/Berlin",
    days: frozenset[int] = ALL_DAYS,
    tracks: Iterable[str] = (TRACK,),
) -> int:
    """A Telegram user (new, or one who has only chatted so far) who has finished
    onboarding with these answers.

    The same steps, in the same order, as ``Harness.onboard`` takes by chatting (its
    defaults: cultural humility, 07:30, Europe/Berlin, daily); no message is sent.
    """
    learners = services(h).learners
    if user_id not in h.emulator.world.users:
        h.user(user_id, name)
    learners.start(user_id, user_id, name)
    for track in tracks:
        learners.toggle_track(user_id, track)
    assert learners.confirm_tracks(user_id) is not None
    at = parse_time(time)
    assert at is not None, time
    assert learners.set_time(user_id, at) is not None
    assert learners.set_zone(user_id, zone) is not None
    result = learners.set_days(user_id, days)
    assert result is not None and result.finished_onboarding, user_id
    return user_id


def clinic(h: Harness) -> None:
    """Fay in Berlin, Ann in Chicago, Ben in Tokyo and Cho in London, all onboarded."""
    learner(h, FAY, "Fay", zone="Europe/Berlin")
    learner(h, ANN, "Ann", zone="America/Chicago", time="07:00")
    learner(h, BEN, "Ben", zone="Asia/Tokyo", time="19:00")
    learner(h, CHO, "Cho", zone="Europe/London", time="12:30")


def team(
    h: Harness,
    facilitator: int,
    members: Iterable[int] = (),
    *,
    name: str = CLINIC,
    show_names: bool = False,
) -> TeamView:
    """A team created by ``facilitator`` that ``members`` have joined."""
    teams = services(h).teams
    created = teams.create(facilitator, name)
    for member in members:
        teams.request_join(member, created.code)
        teams.answer_consent(member, created.id, join=True, show_name=show_names)
    return created


async def bot_message(h: Harness, user_id: int, text: str = "Hello.") -> int:
    """A message from the bot in the chat (to press forged buttons on); its id."""
    assert h.application is not None
    sent = await h.application.bot.send_message(user_id, text)
    return sent.message_id


# -- reading back ----------------------------------------------------------------------
def joined(messages: list[StoredMessage]) -> str:
    """Messages as one text, one per line."""
    return "\n".join(text_of(m) for m in messages)


async def reply(h: Harness, user_id: int, text: str) -> str:
    """Send ``text`` as ``user_id``; everything the bot answered, as one text."""
    return joined(await h.say(user_id, text))


def deliveries(h: Harness, learner_id: int) -> list[Delivery]:
    """The learner's delivery rows (one per lesson day served)."""
    with services(h).db.session() as session:
        query = select(Delivery).where(Delivery.learner_id == learner_id)
        query = query.order_by(col(Delivery.local_date))
        return list(session.exec(query).all())


def lesson_messages(h: Harness, user_id: int) -> list[str]:
    """The lesson texts in the chat (quizzes and other messages left out)."""
    return [t for t in h.texts(user_id) if "Try this:" in t]
