"""Teams and shared challenges, end to end, with learners in different time zones."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.harness import LIBRARY, Harness, text_of
from tests.e2e.scenes import ANN, BEN, CHO, DEV, FAY, MONDAY, clinic, joined, learner

pytestmark = pytest.mark.both_databases


@pytest.fixture
def lessons_dir() -> Path:
    """The shipped library: a challenge is never longer than its track, and the fixture
    tracks have two lessons each."""
    return LIBRARY


async def new_team(h: Harness, name: str = "Riverside clinic") -> str:
    """Fay creates a team; returns its join code as shown."""
    reply = joined(await h.say(FAY, f"/newteam {name}"))
    match = re.search(r"Join code: ([A-Z0-9]{5}-[A-Z0-9]{5})", reply)
    assert match, reply
    assert f"https://t.me/attune_demo_bot?start=join-{match[1].replace('-', '')}" in reply
    return match[1]


async def setup_team(h: Harness) -> str:
    """The clinic's four learners; Fay creates the team by command. Its join code."""
    clinic(h)
    return await new_team(h)


async def test_a_clinic_learns_together(harness: Harness) -> None:
    h = harness
    code = await setup_team(h)

    # Ann joins by code and agrees to be named; Ben joins by deep link without his name.
    consent = joined(await h.say(ANN, f"/join {code.lower()}"))
    assert "facilitators will see" in consent and "never see your quiz answers" in consent
    assert "Welcome to" in joined(await h.tap(ANN, "Join and show my first name"))
    link_payload = "join-" + code.replace("-", "")
    await h.say(BEN, f"/start {link_payload}")
    assert "Welcome to" in joined(await h.tap(BEN, "Join without my name"))
    # Cho declines: she is not a member and nothing is shared.
    await h.say(CHO, f"/join {code}")
    assert "haven't joined" in joined(await h.tap(CHO, "Don't join"))
    assert "already in this team" in joined(await h.say(ANN, f"/join {code}"))

    started = joined(await h.say(FAY, "/challenge Cultural humility 3"))
    assert "Challenge set for Riverside clinic: Cultural humility, 3 days" in started

    # Three days pass; every member gets the same lesson each day at their own time.
    lesson_titles: dict[int, list[str]] = {ANN: [], BEN: [], FAY: []}
    for step in range(3 * 48):
        await h.move_to(MONDAY + timedelta(minutes=30 * step))
        for who in (ANN, FAY):  # Ben reads but never answers
            if h.open_polls(who):
                await h.answer_quiz(who)
    for who in lesson_titles:
        lessons = [t for t in h.texts(who) if "Try this:" in t]
        assert len(lessons) == 3, who
        assert all("Team challenge · Riverside clinic · day" in t for t in lessons)
        lesson_titles[who] = [t.splitlines()[0] for t in lessons]
    assert lesson_titles[ANN] == lesson_titles[BEN] == lesson_titles[FAY]

    h.clock.set(MONDAY + timedelta(days=2, hours=12))  # day 3, midday in Berlin
    board = joined(await h.say(ANN, "/team"))
    assert "Day 3 of 3" in board
    assert "Today: 2 of 3 members did the lesson (67%)" in board
    assert "Team streak: 3 days" in board
    assert "Ann: 3" in board and "Fay: 3" not in board  # Fay was not asked to be named
    assert "2 more, counted but not named" in board and "Ben" not in board

    stats = joined(await h.say(FAY, "/teamstats"))
    assert "Day 1 (Mon 2 March): 2 of 3" in stats
    assert "Ann: 3, streak 3" in stats and "Ben: 0, streak 0" in stats and "Cho" not in stats

    [document] = await h.say(FAY, "/export")
    assert document.document is not None and document.document["file_name"].endswith(".csv")
    rows = list(
        csv.reader(io.StringIO(h.emulator.world.files[document.document["file_id"]].data.decode()))
    )
    assert [row[0] for row in rows[1:]] == ["Fay", "Ann", "Ben"]
    assert rows[2][:3] == ["Ann", "3", "3"] and rows[2][3:] == ["1", "1", "1"]

    # The challenge ends: every member gets the summary once.
    await h.move_to(MONDAY + timedelta(days=3, hours=1))
    await h.move_to(MONDAY + timedelta(days=3, hours=2))
    for who in (FAY, ANN, BEN):
        summaries = [t for t in h.texts(who) if "challenge of Riverside clinic has ended" in t]
        assert len(summaries) == 1, who
    assert not any("has ended" in t for t in h.texts(CHO))


async def test_only_facilitators_manage_the_team(harness: Harness) -> None:
    h = harness
    code = await setup_team(h)
    await h.say(ANN, f"/join {code}")
    await h.tap(ANN, "Join and show my first name")
    team_id = h.services.teams.teams_of(FAY)[0].id  # type: ignore[union-attr]
    before = h.services.teams.teams_of(FAY)  # type: ignore[union-attr]

    for command in (
        "/teamstats",
        "/export",
        "/teamadmin",
        "/challenge",
        "/challenge cultural-humility 7",
    ):
        assert "not a facilitator of any team" in joined(await h.say(ANN, command)), command
    message = h.emulator.bot_messages(ANN)[-1].message_id
    forgeries = [
        f"ta:r:{team_id}", f"ta:x:{team_id}:{FAY}", f"tx:stats:{team_id}", f"ta:n:{team_id}",
        f"tc:s:{team_id}:cultural-humility:7:0", f"ta:s:{team_id}", f"tx:export:{team_id}",
    ]  # fmt: skip
    for forged in forgeries:
        reply = joined(await h.press(ANN, message, forged, check=False))
        assert "Only this team's facilitators can do that" in reply, forged
    assert h.services.teams.teams_of(FAY) == before  # type: ignore[union-attr]
    assert h.services.challenges.board(FAY, team_id) is None  # type: ignore[union-attr]


async def test_facilitators_rotate_codes_rename_and_manage_members(harness: Harness) -> None:
    h = harness
    code = await setup_team(h)
    await h.say(ANN, f"/join {code}")
    await h.tap(ANN, "Join and show my first name")

    await h.say(FAY, "/teamadmin")
    assert await h.tap(FAY, "New join code") == []  # the menu asks first, in place
    assert "Issue a new join code for Riverside clinic?" in menu_text(h, FAY)
    await h.tap(FAY, "Back, change nothing")
    assert "Nothing was changed" in menu_text(h, FAY) and f"Join code {code}" in menu_text(h, FAY)
    assert h.services.teams.teams_of(FAY)[0].code.replace("-", "") in code.replace("-", "")  # type: ignore[union-attr]
    await h.tap(FAY, "New join code")
    assert await h.tap(FAY, "Yes, issue a new code") == []
    rotated = menu_text(h, FAY)
    new_code = re.search(r"New join code: ([A-Z0-9-]+)", rotated)[1]  # type: ignore[index]
    assert new_code != code and f"Join code {new_code}" in rotated  # the menu shows it
    assert "New join code" in [b["text"] for row in last_buttons(h, FAY) for b in row]
    assert "don't recognise that join code" in joined(await h.say(BEN, f"/join {code}"))
    assert "Join" in joined(await h.say(BEN, f"/join {new_code}"))

    await h.say(FAY, "/teamadmin")
    await h.tap(FAY, "Rename")
    assert "1 to 64 characters of plain text" in joined(await h.say(FAY, "<b>bold</b> team"))
    await h.say(FAY, "/teamadmin")
    await h.tap(FAY, "Rename")
    assert "The team is now called Northside" in joined(await h.say(FAY, "Northside"))

    await h.say(FAY, "/teamadmin")
    await h.tap(FAY, "Members")
    assert await h.tap(FAY, "Make facilitator: Ann") == []  # the list changes in place
    assert "Ann is now a facilitator too" in menu_text(h, FAY)
    assert "2. Ann (facilitator)" in menu_text(h, FAY)
    await h.say(ANN, "/teamadmin")
    await h.tap(ANN, "Rename")
    assert "The team is now called Eastside" in joined(await h.say(ANN, "Eastside"))
    await h.say(ANN, "/teamadmin")
    await h.tap(ANN, "Members")
    assert await h.tap(ANN, "Remove: Fay") == []  # removing asks first, in place
    assert "Remove Fay from Eastside?" in menu_text(h, ANN)
    await h.tap(ANN, "Back, change nothing")
    assert "1. Fay (facilitator)" in menu_text(h, ANN)
    assert h.services.teams.teams_of(FAY) != []  # type: ignore[union-attr]
    await h.tap(ANN, "Remove: Fay")
    await h.tap(ANN, "Yes, remove Fay")
    assert "Fay is no longer in the team" in menu_text(h, ANN)
    assert "1. Ann (facilitator) (you)" in menu_text(h, ANN)
    assert h.services.teams.teams_of(FAY) == []  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/newteam " + "x" * 300, "1 to 64 characters of plain text"),
        ("/newteam <b>Bold</b> team", "1 to 64 characters of plain text"),
        ("/newteam *stars*", "1 to 64 characters of plain text"),
        ("/newteam", "Give the team a name"),
        ("/join", "Send the join code"),
        ("/join ZZZZZ-ZZZZZ", "don't recognise that join code"),
        ("/join '; DROP TABLE team; --", "don't recognise that join code"),
        ("/challenge cultural-humility 0", "Cultural humility has 30 lessons"),
        ("/challenge cultural-humility 400", "so it can run for 1 to 30 days"),
        ("/challenge ethics-boundaries 14", "so it can run for 1 to 11 days"),
        ("/challenge cultural-humility 7 2026-01-01", "can't be in the past"),
        ("/challenge astrology 7", "don't know that track"),
        ("/challenge cultural-humility 7 2026-02-30", "Start a challenge with buttons"),
    ],
)
async def test_bad_team_input_gets_a_clear_reply_and_changes_nothing(
    harness: Harness, command: str, expected: str
) -> None:
    h = harness
    learner(h, FAY, "Fay")
    await new_team(h)
    before = h.services.teams.teams_of(FAY)  # type: ignore[union-attr]
    assert expected in joined(await h.say(FAY, command))
    assert h.services.teams.teams_of(FAY) == before  # type: ignore[union-attr]
    assert h.services.challenges.board(FAY, before[0].id) is None  # type: ignore[union-attr]


async def test_a_late_joiner_starts_at_the_current_lesson(harness: Harness) -> None:
    h = harness
    code = await setup_team(h)
    await h.say(FAY, "/challenge cultural-humility 5")
    for step in range(2 * 48):
        await h.move_to(MONDAY + timedelta(minutes=30 * step))
    fay_lessons = [t.splitlines()[0] for t in h.texts(FAY) if "Try this:" in t]
    learner(h, DEV, "Dev", zone="Europe/Berlin")
    await h.say(DEV, f"/join {code}")
    await h.tap(DEV, "Join without my name")
    await h.move_to(MONDAY + timedelta(days=2, hours=2))  # Wednesday 07:30 in Berlin
    fay_lessons = [t.splitlines()[0] for t in h.texts(FAY) if "Try this:" in t]
    dev_lessons = [t.splitlines()[0] for t in h.texts(DEV) if "Try this:" in t]
    assert dev_lessons == fay_lessons[2:3]
    assert "day 3 of 5" in [t for t in h.texts(DEV) if "Try this:" in t][0]


async def test_someone_in_two_challenges_chooses_which_counts(harness: Harness) -> None:
    h = harness
    await setup_team(h)
    learner(h, DEV, "Dev")
    other = re.search(r"Join code: ([A-Z0-9-]+)", joined(await h.say(DEV, "/newteam Hillside")))[1]  # type: ignore[index]
    await h.say(FAY, f"/join {other}")
    await h.tap(FAY, "Join without my name")
    await h.say(FAY, "/challenge cultural-humility 5")  # Fay facilitates Riverside only
    await h.say(DEV, "/challenge burnout-prevention 5")
    await h.move_to(MONDAY + timedelta(hours=1, minutes=30))  # 07:30 in Berlin
    note = [
        m for m in h.emulator.bot_messages(FAY) if "more than one running challenge" in text_of(m)
    ]
    assert note and "Today's lesson counts for Riverside clinic" in text_of(note[0])
    await h.tap(FAY, "Follow Hillside")
    await h.move_to(MONDAY + timedelta(days=1, hours=1, minutes=30))
    last = [t for t in h.texts(FAY) if "Try this:" in t][-1]
    assert "Team challenge · Hillside · day 2 of 5" in last


async def test_a_linked_group_gets_the_evening_digest(harness: Harness) -> None:
    h = harness
    code = await setup_team(h)
    await h.say(ANN, f"/join {code}")
    await h.tap(ANN, "Join and show my first name")
    group = -100500
    h.emulator.create_group(group, "Riverside staff", [FAY, ANN])
    h.emulator.send_message(ANN, f"/linkteam {code}", chat_id=group)
    await h.settle()
    assert "Only this team's facilitators" in text_of(h.emulator.bot_messages(group)[-1])
    h.emulator.send_message(FAY, f"/linkteam {code}", chat_id=group)
    await h.settle()
    assert "now linked to" in text_of(h.emulator.bot_messages(group)[-1])
    h.emulator.send_message(ANN, "/today", chat_id=group)
    await h.settle()
    assert "private chat" in text_of(h.emulator.bot_messages(group)[-1])

    await h.say(FAY, "/challenge cultural-humility 3")
    for step in range(48):
        await h.move_to(MONDAY + timedelta(minutes=30 * step))
        if h.open_polls(ANN):
            await h.answer_quiz(ANN)
    digests = [
        text_of(m) for m in h.emulator.bot_messages(group) if "did today's lesson" in text_of(m)
    ]
    assert digests == [digests[0]] and "day 1 of 3: 1 of 2 did today's lesson on" in digests[0]
    assert not [m for m in h.emulator.bot_messages(group) if m.poll]


async def test_teams_of_one_organisation_on_the_same_track_are_ranked_by_completion(
    harness: Harness,
) -> None:
    h = harness
    code = await setup_team(h)
    await h.say(ANN, f"/join {code}")
    await h.tap(ANN, "Join and show my first name")
    learner(h, DEV, "Dev")
    await h.say(DEV, "/newteam Hillside")
    org = re.search(r"organisation ([A-Z0-9]{5}-[A-Z0-9]{5})", joined(await h.say(FAY, "/org")))
    assert org, "Fay's team gets an organisation code"
    assert "Riverside clinic, Hillside" in joined(await h.say(DEV, f"/org {org[1]}"))
    await h.say(FAY, "/challenge cultural-humility 7")
    await h.say(DEV, "/challenge cultural-humility 7")
    for step in range(2 * 48 + 14):  # to Wednesday 13:00 in Berlin
        await h.move_to(MONDAY + timedelta(minutes=30 * step))
        answering = (FAY, DEV, ANN) if step < 48 else (FAY, DEV)  # Ann misses Tuesday
        for who in answering:
            if h.open_polls(who):
                await h.answer_quiz(who)
    board = joined(await h.say(ANN, "/team"))
    # Riverside: Fay 3 of 3, Ann 1 of 2 possible (today is not yet missed) = 4 of 5.
    assert (
        "Teams of your organisation on this track\n1. Hillside: 100%\n2. Riverside clinic: 80%"
    ) in board


async def test_a_challenge_can_be_set_up_with_buttons(harness: Harness) -> None:
    h = harness
    code = await setup_team(h)
    await h.say(ANN, f"/join {code}")
    await h.tap(ANN, "Join without my name")
    assert "Which track" in joined(await h.say(FAY, "/challenge"))
    assert "how many days" in joined(await h.tap(FAY, "Burnout prevention"))
    assert "Starting when" in joined(await h.tap(FAY, "14 days"))
    started = joined(await h.tap(FAY, "Next Monday"))
    assert "Burnout prevention, 14 days, from Mon 9 March" in started
    teams = joined(await h.say(ANN, "/myteams"))
    assert "Riverside clinic: 2 members" in teams
    board = joined(await h.say(ANN, "/team"))
    assert "14 days, starts Mon 9 March" in board


async def test_a_facilitator_can_stop_a_challenge_and_members_get_the_summary(
    harness: Harness,
) -> None:
    h = harness
    code = await setup_team(h)
    await h.say(ANN, f"/join {code}")
    await h.tap(ANN, "Join without my name")
    await h.say(FAY, "/challenge cultural-humility 14")
    await h.say(FAY, "/teamadmin")
    await h.tap(FAY, "Stop challenge")
    assert "Stop the challenge of Riverside clinic now?" in menu_text(h, FAY)
    assert h.services.challenges.board(FAY, h.services.teams.teams_of(FAY)[0].id)  # type: ignore[union-attr]
    await h.tap(FAY, "Yes, stop the challenge")
    assert "has ended" in menu_text(h, FAY)
    await h.tick()
    for who in (FAY, ANN):
        assert sum("challenge of Riverside clinic has ended" in t for t in h.texts(who)) == 1
    await h.move_to(MONDAY + timedelta(hours=1, minutes=30))  # 07:30 Berlin
    lesson = [t for t in h.texts(FAY) if "Try this:" in t][-1]
    assert "Team challenge" not in lesson, "after a stop, lessons come from one's own tracks"


async def test_a_member_who_opted_in_without_a_first_name_is_still_named(
    harness: Harness,
) -> None:
    h = harness
    code = await setup_team(h)
    services = h.services
    assert services is not None
    h.user(DEV, "Dev")
    services.learners.start(DEV, DEV, "")  # Telegram always sends a name; be safe anyway
    team = services.teams.request_join(DEV, code)
    services.teams.answer_consent(DEV, team.id, join=True, show_name=True)
    services.challenges.start(FAY, team.id, "cultural-humility", 7, None)
    board = services.challenges.board(DEV, team.id)
    assert board is not None and ("A member", 0) in board.board.named


def menu_text(h: Harness, who: int) -> str:
    """The newest message in the chat, as it reads now (edits included)."""
    return text_of(h.emulator.bot_messages(who)[-1])


def last_buttons(h: Harness, who: int) -> list[list[dict[str, str]]]:
    return h.emulator.bot_messages(who)[-1].buttons


async def test_a_challenge_stopped_early_sums_up_the_streak_the_team_had(
    harness: Harness,
) -> None:
    """Stopped on day 4 of 14, after day 4's lesson reached the team but before anyone
    did it: the summary counts the three days done. Day 4 is the last day, still open,
    not a missed one that breaks the streak to nothing."""
    h = harness
    code = await setup_team(h)
    await h.say(ANN, f"/join {code}")
    await h.tap(ANN, "Join and show my first name")
    await h.say(FAY, "/challenge cultural-humility 14")
    for step in range(3 * 48):
        await h.move_to(MONDAY + timedelta(minutes=30 * step))
        for who in (ANN, FAY):
            if h.open_polls(who):
                await h.answer_quiz(who)
    await h.move_to(MONDAY + timedelta(days=3, hours=10))  # day 4's lessons are out
    assert h.open_polls(ANN) and h.open_polls(FAY)
    assert "Team streak: 3 days" in joined(await h.say(ANN, "/team"))
    await h.say(FAY, "/teamadmin")
    await h.tap(FAY, "Stop challenge")
    await h.tap(FAY, "Yes, stop the challenge")
    await h.tick()
    [summary] = [t for t in h.texts(ANN) if "challenge of Riverside clinic has ended" in t]
    assert "finished on a streak of 3 days" in summary
