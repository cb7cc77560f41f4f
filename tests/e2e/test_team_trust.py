"""A clinic can trust its teams: no team loses its last facilitator, a closed team keeps
nothing, invitations close, boards rank only within an organisation, and the limits an
abuser would hit (teams per person, the members list, pickers) hold.

Scenes are built through the services; the gestures under test go through the bot.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from bot.learning.join_codes import INVITATION_DAYS
from bot.learning.schedule import ALL_DAYS
from bot.services.announcements import Content
from bot.services.teams import MAX_TEAMS, TeamView
from bot.store.models import (
    Announcement,
    AnnouncementDelivery,
    Challenge,
    ChallengeChoice,
    Delivery,
    Membership,
    Team,
)
from tests.e2e.conftest import START
from tests.e2e.harness import Harness, text_of

pytestmark = pytest.mark.both_databases

FAY, ANN, BEN, CHO, DEV, EVE = 8101, 8102, 8103, 8104, 8105, 8106
NAMES = {FAY: "Fay", ANN: "Ann", BEN: "Ben", CHO: "Cho", DEV: "Dev", EVE: "Eve"}
TRACK = "cultural-humility"
LESSON_TIME = START + timedelta(hours=1, minutes=45)  # 07:45 in Berlin, after the lesson
ORG_CODE = re.compile(r"organisation ([A-Z0-9]{5}-[A-Z0-9]{5})")


def enrol(h: Harness, *people: int) -> None:
    """Onboarded learners (Berlin, 07:30, every day), without chatting through it."""
    s = h.services
    assert s is not None
    for who in people:
        h.user(who, NAMES[who])
        s.learners.start(who, who, NAMES[who])
        s.learners.toggle_track(who, TRACK)
        s.learners.confirm_tracks(who)
        s.learners.set_time(who, time(7, 30))
        s.learners.set_zone(who, "Europe/Berlin")
        s.learners.set_days(who, ALL_DAYS)


def team(h: Harness, facilitator: int, name: str, *members: int) -> TeamView:
    """A team whose members joined (named on the board)."""
    s = h.services
    assert s is not None
    created = s.teams.create(facilitator, name)
    for who in members:
        s.teams.request_join(who, created.code)
        s.teams.answer_consent(who, created.id, join=True, show_name=True)
    return created


def said(messages: list) -> str:  # type: ignore[type-arg]
    return "\n".join(text_of(m) for m in messages)


def last(h: Harness, who: int) -> str:
    """The newest message in the chat, as it reads now (edits included)."""
    return text_of(h.emulator.bot_messages(who)[-1])


def labels(h: Harness, who: int) -> list[str]:
    """The buttons under the newest message, row by row."""
    return [b["text"] for row in h.emulator.bot_messages(who)[-1].buttons for b in row]


def roles(h: Harness, who: int) -> list[tuple[str, str]]:
    assert h.services is not None
    return [(t.name, t.role) for t in h.services.teams.teams_of(who)]


def rows_of_team(h: Harness, team_id: int) -> dict[str, int]:
    """Rows that belong to the team, table by table."""
    assert h.services is not None
    challenges = select(Challenge.id).where(Challenge.team_id == team_id)
    announcements = select(Announcement.id).where(Announcement.team_id == team_id)
    queries = {
        "team": select(func.count()).where(col(Team.id) == team_id),
        "membership": select(func.count()).where(Membership.team_id == team_id),
        "challenge": select(func.count()).where(Challenge.team_id == team_id),
        "challengechoice": select(func.count()).where(
            col(ChallengeChoice.challenge_id).in_(challenges)
        ),
        "announcement": select(func.count()).where(Announcement.team_id == team_id),
        "announcementdelivery": select(func.count()).where(
            col(AnnouncementDelivery.announcement_id).in_(announcements)
        ),
        "delivery": select(func.count()).where(col(Delivery.challenge_id).in_(challenges)),
    }
    with h.services.db.session() as session:
        return {table: session.execute(query).scalar_one() for table, query in queries.items()}


# -- 1. a team never loses its last facilitator -------------------------------------------


async def test_the_only_facilitator_hands_over_before_leaving(harness: Harness) -> None:
    h = harness
    enrol(h, FAY, ANN, BEN)
    riverside = team(h, FAY, "Riverside clinic", ANN, BEN)

    offer = said(await h.say(FAY, "/leave"))
    assert "only facilitator of Riverside clinic" in offer
    assert "Make one of its 2 other members a co-facilitator, or close the team" in offer
    assert labels(h, FAY) == ["Choose a co-facilitator", "Close the team"]
    assert roles(h, FAY) == [("Riverside clinic", "facilitator")], "nothing changed yet"

    listing = said(await h.tap(FAY, "Choose a co-facilitator"))
    assert "Riverside clinic: members 1 to 3 of 3" in listing
    assert "1. Fay (facilitator) (you)\n2. Ann\n3. Ben" in listing
    assert await h.tap(FAY, "Make facilitator: Ann") == []
    assert "Ann is now a facilitator too" in last(h, FAY)

    assert "You've left Riverside clinic" in said(await h.say(FAY, "/leave"))
    assert roles(h, ANN) == [("Riverside clinic", "facilitator")]
    assert rows_of_team(h, riverside.id)["membership"] == 2


async def test_alone_in_a_team_leaving_it_means_closing_it(harness: Harness) -> None:
    h = harness
    enrol(h, FAY)
    riverside = team(h, FAY, "Riverside clinic")

    assert "You're the only one in Riverside clinic" in said(await h.say(FAY, "/leave"))
    assert labels(h, FAY) == ["Close the team"]
    assert await h.tap(FAY, "Close the team") == []  # asks first, in place
    assert "Close Riverside clinic for good?" in last(h, FAY)
    assert "will be told" not in last(h, FAY)
    await h.tap(FAY, "Yes, close the team")
    assert last(h, FAY) == "Riverside clinic is closed."
    assert roles(h, FAY) == [] and set(rows_of_team(h, riverside.id).values()) == {0}


async def test_closing_a_team_ends_its_challenge_tells_members_and_keeps_nothing(
    harness: Harness,
) -> None:
    h = harness
    s = h.services
    assert s is not None
    enrol(h, FAY, ANN, BEN, CHO)
    riverside = team(h, FAY, "Riverside clinic", ANN, BEN)
    challenge = s.challenges.start(FAY, riverside.id, TRACK, 2, None)
    s.challenges.choose(ANN, challenge.id)
    sent = s.announcements.draft(FAY, riverside.id, Content("text", "Welcome, everyone."))
    s.announcements.send_now(FAY, sent.id)
    later = s.announcements.draft(FAY, riverside.id, Content("text", "Supervision at 4."))
    s.announcements.schedule(FAY, later.id, START + timedelta(days=2))
    await h.move_to(LESSON_TIME)  # the day's challenge lesson, and the announcement
    assert any("Team challenge · Riverside clinic" in t for t in h.texts(ANN))
    await h.say(CHO, f"/join {riverside.code}")  # Cho has not tapped consent yet
    assert all(n > 0 for n in rows_of_team(h, riverside.id).values())

    await h.say(FAY, "/teamadmin")
    assert await h.tap(FAY, "Close the team") == []
    question = last(h, FAY)
    assert "Close Riverside clinic for good?" in question
    assert "2 other members will be told" in question and "cannot be undone" in question
    await h.tap(FAY, "Back, change nothing")
    assert "Nothing was changed" in last(h, FAY) and rows_of_team(h, riverside.id)["team"] == 1
    await h.tap(FAY, "Close the team")
    assert await h.tap(FAY, "Yes, close the team") == []
    assert last(h, FAY) == "Riverside clinic is closed. I've told its 2 other members."

    for who in (ANN, BEN):
        assert last(h, who).startswith("Riverside clinic has been closed by its facilitator.")
    assert set(rows_of_team(h, riverside.id).values()) == {0}, "nothing of it is left"
    refused = said(await h.tap(CHO, "Join and show my first name"))
    assert "invitation is no longer open" in refused and roles(h, CHO) == []
    assert "don't recognise that join code" in said(await h.say(BEN, f"/join {riverside.code}"))
    assert "not in a team yet" in said(await h.say(ANN, "/team"))

    # Ann's own lessons stay hers; the next one comes from her own tracks.
    with s.db.session() as session:
        kept = session.exec(select(Delivery).where(Delivery.learner_id == ANN)).all()
    assert len(kept) == 1 and kept[0].challenge_id is None
    await h.move_to(LESSON_TIME + timedelta(days=1))
    lesson = [t for t in h.texts(ANN) if "Try this:" in t][-1]
    assert "Team challenge" not in lesson
    assert not any("Supervision at 4" in t for t in h.texts(ANN) + h.texts(BEN))


async def test_deletemydata_of_the_only_facilitator_hands_over_or_closes_first(
    harness: Harness,
) -> None:
    h = harness
    enrol(h, FAY, ANN)
    riverside = team(h, FAY, "Riverside clinic", ANN)

    offer = said(await h.say(FAY, "/deletemydata"))
    assert "only facilitator of Riverside clinic" in offer
    assert "before your data can be deleted" in offer and "send /deletemydata again" in offer
    assert labels(h, FAY) == ["Choose a co-facilitator", "Close the team"]
    assert h.services.learners.get(FAY) is not None  # type: ignore[union-attr]

    await h.tap(FAY, "Close the team")
    await h.tap(FAY, "Yes, close the team")
    assert "Riverside clinic has been closed" in last(h, ANN)
    question = said(await h.say(FAY, "/deletemydata"))
    assert "This deletes everything" in question and "only one in" not in question
    assert "deleted" in said(await h.tap(FAY, "Delete everything"))
    assert h.services.learners.get(FAY) is None  # type: ignore[union-attr]
    assert set(rows_of_team(h, riverside.id).values()) == {0}


async def test_deletemydata_closes_the_teams_one_is_alone_in(harness: Harness) -> None:
    h = harness
    enrol(h, FAY, CHO)
    riverside = team(h, FAY, "Riverside clinic")
    await h.say(CHO, f"/join {riverside.code}")  # a pending invitation

    question = said(await h.say(FAY, "/deletemydata"))
    assert "Teams you're the only one in are closed with it: Riverside clinic." in question
    await h.tap(FAY, "Delete everything")
    assert set(rows_of_team(h, riverside.id).values()) == {0}, "no name or code is left"
    assert "no longer open" in said(await h.tap(CHO, "Join without my name"))


async def test_someone_joining_before_the_delete_tap_means_handing_over_first(
    harness: Harness,
) -> None:
    h = harness
    s = h.services
    assert s is not None
    enrol(h, FAY, ANN)
    riverside = team(h, FAY, "Riverside clinic")
    assert "closed with it" in said(await h.say(FAY, "/deletemydata"))
    s.teams.request_join(ANN, riverside.code)
    s.teams.answer_consent(ANN, riverside.id, join=True, show_name=False)

    reply = said(await h.tap(FAY, "Delete everything"))
    assert "only facilitator of Riverside clinic" in reply and "is deleted" not in reply
    assert s.learners.get(FAY) is not None
    assert roles(h, ANN) == [("Riverside clinic", "member")]


# -- 2. invitations close ---------------------------------------------------------------


async def test_a_new_join_code_closes_every_pending_join(harness: Harness) -> None:
    h = harness
    enrol(h, FAY, ANN)
    riverside = team(h, FAY, "Riverside clinic")
    await h.say(ANN, f"/join {riverside.code}")
    await h.say(FAY, "/teamadmin")
    await h.tap(FAY, "New join code")
    await h.tap(FAY, "Yes, issue a new code")

    refused = said(await h.tap(ANN, "Join and show my first name"))
    assert "That invitation is no longer open" in refused and "new join code" in refused
    assert roles(h, ANN) == [] and rows_of_team(h, riverside.id)["membership"] == 1
    new_code = h.services.teams.teams_of(FAY)[0].code  # type: ignore[union-attr]
    await h.say(ANN, f"/join {new_code}")
    assert "Welcome to Riverside clinic" in said(await h.tap(ANN, "Join without my name"))


async def test_an_invitation_closes_after_seven_days(harness: Harness) -> None:
    h = harness
    enrol(h, FAY, ANN, BEN)
    riverside = team(h, FAY, "Riverside clinic")
    await h.say(ANN, f"/join {riverside.code}")
    await h.say(BEN, f"/join {riverside.code}")

    h.clock.set(START + timedelta(days=INVITATION_DAYS, seconds=-1))
    assert "Welcome to" in said(await h.tap(BEN, "Join and show my first name"))
    h.clock.set(START + timedelta(days=INVITATION_DAYS))
    refused = said(await h.tap(ANN, "Join and show my first name"))
    assert f"after {INVITATION_DAYS} days" in refused and roles(h, ANN) == []
    await h.say(ANN, f"/join {riverside.code}")  # a fresh invitation is one command away
    assert "Welcome to" in said(await h.tap(ANN, "Join and show my first name"))


# -- 3. ranking only within an organisation --------------------------------------------


async def test_a_board_ranks_only_the_teams_of_its_organisation(harness: Harness) -> None:
    h = harness
    s = h.services
    assert s is not None
    enrol(h, FAY, ANN, DEV, EVE)
    riverside = team(h, FAY, "Riverside clinic", ANN)
    hillside = team(h, DEV, "Hillside")
    elsewhere = team(h, EVE, "Elsewhere")
    for facilitator, each in ((FAY, riverside), (DEV, hillside), (EVE, elsewhere)):
        s.challenges.start(facilitator, each.id, TRACK, 2, None)

    board = said(await h.say(ANN, "/team"))
    assert "Riverside clinic: Cultural humility challenge" in board
    assert "Teams" not in board and "Hillside" not in board and "Elsewhere" not in board

    shown = said(await h.say(FAY, "/org"))
    found = ORG_CODE.search(shown)
    assert found and "Riverside clinic is in the organisation" in shown
    assert "with 1 team: Riverside clinic." in shown and f"/org {found[1]}" in shown
    assert found[1] in said(await h.say(FAY, "/org")), "asking again shows the same code"
    joined = said(await h.say(DEV, f"/org {found[1].lower()}"))
    assert "Hillside is in the organisation" in joined and "Riverside clinic, Hillside" in joined

    board = said(await h.say(ANN, "/team"))
    assert "Teams of your organisation on this track" in board
    assert "Riverside clinic: 0%" in board and "Hillside: 0%" in board
    assert "Elsewhere" not in board
    assert "Teams of" not in said(await h.say(EVE, "/team"))

    assert "don't recognise that organisation code" in said(await h.say(EVE, "/org ZZZZZ-ZZZZZ"))
    assert "not a facilitator of any team" in said(await h.say(ANN, f"/org {found[1]}"))
    assert "Teams of" not in said(await h.say(EVE, "/team")), "a refused code changes nothing"


async def test_a_facilitator_of_several_teams_picks_which_joins_the_organisation(
    harness: Harness,
) -> None:
    h = harness
    enrol(h, FAY, DEV)
    team(h, FAY, "Riverside clinic")
    team(h, FAY, "Northside")
    team(h, DEV, "Hillside")
    found = ORG_CODE.search(said(await h.say(DEV, "/org")))
    assert found
    assert "Which team should join the organisation?" in said(await h.say(FAY, f"/org {found[1]}"))
    assert labels(h, FAY) == ["Riverside clinic", "Northside"]
    assert "2 teams: Northside, Hillside" in said(await h.tap(FAY, "Northside"))
    assert "Which team?" in said(await h.say(FAY, "/org"))
    assert "Riverside clinic is in the organisation" in said(await h.tap(FAY, "Riverside"))


# -- 4. limits a clinic never reaches -----------------------------------------------------


async def test_twenty_teams_are_the_most_one_person_can_be_in(harness: Harness) -> None:
    h = harness
    s = h.services
    assert s is not None
    enrol(h, FAY, ANN)
    mine = [team(h, FAY, f"Team {n}") for n in range(MAX_TEAMS - 1)]
    annes = team(h, ANN, "Ann's team")
    await h.say(FAY, f"/join {annes.code}")  # asked while there was room
    team(h, FAY, "Team 19")

    assert f"already in {MAX_TEAMS} teams" in said(await h.tap(FAY, "Join and show"))
    assert f"already in {MAX_TEAMS} teams" in said(await h.say(FAY, "/newteam One more"))
    assert f"already in {MAX_TEAMS} teams" in said(await h.say(FAY, f"/join {annes.code}"))
    assert len(s.teams.teams_of(FAY)) == MAX_TEAMS
    assert said(await h.say(FAY, "/myteams")).count("(facilitator)") == MAX_TEAMS

    assert said(await h.say(FAY, "/leave")) == "Which team?"
    assert len(labels(h, FAY)) == MAX_TEAMS
    s.teams.close(FAY, mine[0].id)
    await h.say(FAY, f"/join {annes.code}")
    assert "Welcome to Ann's team" in said(await h.tap(FAY, "Join and show"))


async def test_a_team_picker_shows_twenty_teams_and_says_so(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    enrol(h, FAY)
    monkeypatch.setattr("bot.services.teams.MAX_TEAMS", 100)  # teams from before the limit
    for n in range(25):
        team(h, FAY, f"Team {n}")
    for command in ("/teamadmin", "/teamstats", "/org"):
        question = said(await h.say(FAY, command))
        assert question == "Which team? (Your first 20 of 25 teams are shown.)", command
        assert labels(h, FAY) == [f"Team {n}" for n in range(20)]


async def test_the_members_list_comes_ten_to_a_message(harness: Harness) -> None:
    h = harness
    s = h.services
    assert s is not None
    enrol(h, FAY)
    riverside = team(h, FAY, "Riverside clinic")
    for n in range(1, 23):
        h.user(9000 + n, f"M{n}")
        s.learners.start(9000 + n, 9000 + n, f"M{n}")
        s.teams.request_join(9000 + n, riverside.code)
        s.teams.answer_consent(9000 + n, riverside.id, join=True, show_name=False)

    await h.say(FAY, "/teamadmin")
    [listing] = await h.tap(FAY, "Members")  # one message, not one per member
    text = text_of(listing)
    assert text.startswith("Riverside clinic: members 1 to 10 of 23\n1. Fay (facilitator) (you)")
    assert text.endswith("\n10. M9")
    assert labels(h, FAY) == [
        label for n in range(1, 10) for label in (f"Make facilitator: M{n}", f"Remove: M{n}")
    ] + ["More ›"]

    assert await h.tap(FAY, "More") == []  # pages in place
    assert "members 11 to 20 of 23\n11. M10" in last(h, FAY)
    assert labels(h, FAY)[-2:] == ["‹ Previous", "More ›"]
    await h.tap(FAY, "More")
    assert "members 21 to 23 of 23" in last(h, FAY) and labels(h, FAY)[-1] == "‹ Previous"

    await h.tap(FAY, "Remove: M22")
    assert "Remove M22 from Riverside clinic?" in last(h, FAY)
    await h.tap(FAY, "Yes, remove M22")
    assert "M22 is no longer in the team" in last(h, FAY)
    assert "members 21 to 22 of 22" in last(h, FAY), "the same page, as it is now"
    await h.tap(FAY, "Previous")
    assert "members 11 to 20 of 22" in last(h, FAY)
    assert len(h.emulator.bot_messages(FAY)) == 2, "the menu and one list, nothing more"
