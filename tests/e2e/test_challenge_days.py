"""Promises about time in team challenges, end to end, on the shipped library.

Day 1 reaches every member (a challenge set after someone's lesson went out starts
tomorrow, and says so); /teamstats counts a day only for the members it reached; a member
of two running challenges is asked which counts when the second starts and in /team, and
the choice sticks; a challenge is never longer than its track; and a quiz answered after
midnight names its own day.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.learning.schedule import ALL_DAYS
from tests.e2e.harness import LIBRARY, Harness, text_of

pytestmark = pytest.mark.both_databases

FAY, ANN, BEN, DEV, EVE = 8101, 8102, 8103, 8104, 8105  # Fay facilitates Riverside
MONDAY = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 in Berlin, before any lesson
TRACK = "cultural-humility"


@pytest.fixture
def lessons_dir() -> Path:
    """The shipped library: its tracks are long enough for real challenges."""
    return LIBRARY


def joined(messages: list) -> str:  # type: ignore[type-arg]
    return "\n".join(text_of(m) for m in messages)


def learner(h: Harness, who: int, name: str, zone: str, at: time) -> None:
    """An onboarded learner (daily lessons at ``at`` in ``zone``), set up through services."""
    s = h.services
    assert s is not None
    h.user(who, name)
    s.learners.start(who, who, name)
    s.learners.toggle_track(who, TRACK)
    s.learners.confirm_tracks(who)
    s.learners.set_time(who, at)
    s.learners.set_zone(who, zone)
    s.learners.set_days(who, ALL_DAYS)


def team(h: Harness, facilitator: int, name: str, members: tuple[int, ...]) -> int:
    """A team of ``facilitator`` whose ``members`` have joined (named on the board)."""
    s = h.services
    assert s is not None
    made = s.teams.create(facilitator, name)
    for who in members:
        s.teams.request_join(who, made.code)
        s.teams.answer_consent(who, made.id, join=True, show_name=True)
    return made.id


def riverside(h: Harness) -> int:
    """Fay (Berlin 07:30), Ann (Chicago 07:00) and Ben (Tokyo 19:00)."""
    learner(h, FAY, "Fay", "Europe/Berlin", time(7, 30))
    learner(h, ANN, "Ann", "America/Chicago", time(7, 0))
    learner(h, BEN, "Ben", "Asia/Tokyo", time(19, 0))
    return team(h, FAY, "Riverside clinic", (ANN, BEN))


def lessons(h: Harness, who: int) -> list[str]:
    return [t for t in h.texts(who) if "Try this:" in t]


def challenge_days(h: Harness, who: int) -> list[int]:
    """The challenge day numbers of the member's challenge lessons, in order."""
    return [int(m[1]) for t in lessons(h, who) if (m := re.search(r"· day (\d+) of", t))]


async def run_until(
    h: Harness, start: datetime, end: datetime, answering: tuple[int, ...] = ()
) -> None:
    """Half-hour ticks from ``start`` to ``end``; ``answering`` do every quiz."""
    instant = start
    while instant <= end:
        await h.move_to(instant)
        for who in answering:
            if h.open_polls(who):
                await h.answer_quiz(who)
        instant += timedelta(minutes=30)


def last_buttons(h: Harness, who: int) -> list[str]:
    return [b["text"] for row in h.emulator.bot_messages(who)[-1].buttons for b in row]


# -- 1. day 1 reaches everyone ---------------------------------------------------------


async def test_a_challenge_set_after_lessons_went_out_starts_tomorrow_for_everyone(
    harness: Harness,
) -> None:
    h = harness
    riverside(h)
    # Monday 12:00 UTC: Fay (07:30 Berlin) and Ben (19:00 Tokyo) have had today's lesson.
    noon = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    await run_until(h, MONDAY, noon)
    assert len(lessons(h, FAY)) == len(lessons(h, BEN)) == 1 and not lessons(h, ANN)

    started = joined(await h.say(FAY, "/challenge cultural-humility 5"))
    assert "Cultural humility, 5 days, from Tue 3 March" in started
    assert "not today, because some members have already had today's lesson" in started

    await run_until(h, noon, noon + timedelta(days=7), answering=(FAY, ANN))
    titles = {}
    for who in (FAY, ANN, BEN):
        assert challenge_days(h, who) == [1, 2, 3, 4, 5], who  # nobody missed day 1
        titles[who] = [t.splitlines()[0] for t in lessons(h, who) if "Team challenge" in t]
    assert titles[FAY] == titles[ANN] == titles[BEN]
    # Ann (Chicago) had no lesson yet on Monday: her Monday lesson is her own, not day 1.
    assert "Team challenge" not in lessons(h, ANN)[0]

    stats = joined(await h.say(FAY, "/teamstats"))
    assert "Day 1 (Tue 3 March): 2 of 3" in stats and "Day 5 (Sat 7 March): 2 of 3" in stats


async def test_the_start_buttons_offer_only_days_everyone_can_begin_on(harness: Harness) -> None:
    h = harness
    team_id = riverside(h)
    await h.move_to(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))  # Fay's lesson went out
    assert "Which track" in joined(await h.say(FAY, "/challenge"))
    length = joined(await h.tap(FAY, "Cultural humility"))
    assert "Cultural humility has 30 lessons, one new lesson a day" in length
    assert last_buttons(h, FAY) == ["7 days", "14 days", "21 days", "30 days: the whole track"]
    when = joined(await h.tap(FAY, "7 days"))
    assert "earliest start with everyone on day 1 is Tue 3 March" in when
    assert not [b for b in last_buttons(h, FAY) if b.startswith("Today")]
    assert last_buttons(h, FAY)[0] == "Tomorrow (Tue 3 Mar)"

    # A "Today" button kept from before, or forged, changes nothing and says why.
    message = h.emulator.bot_messages(FAY)[0].message_id  # any message: a forged press
    stale = f"tc:s:{team_id}:{TRACK}:7:20260302"
    refused = joined(await h.press(FAY, message, stale, check=False))
    assert "they would miss day 1" in refused and "is Tue 3 March" in refused
    assert h.services is not None and h.services.challenges.board(FAY, team_id) is None
    # So does the same date typed.
    typed = joined(await h.say(FAY, "/challenge cultural-humility 7 2026-03-02"))
    assert "is Tue 3 March" in typed and h.services.challenges.board(FAY, team_id) is None

    await h.tap(FAY, "Tomorrow")
    board = h.services.challenges.board(FAY, team_id)
    assert board is not None and board.challenge.start_date == date(2026, 3, 3)


async def test_a_member_far_ahead_of_the_team_still_gets_day_one(harness: Harness) -> None:
    """Dev's team lives in Chicago; Eve is in Tokyo, where Tuesday began hours ago."""
    h = harness
    learner(h, DEV, "Dev", "America/Chicago", time(8, 0))
    learner(h, EVE, "Eve", "Asia/Tokyo", time(7, 30))
    team_id = team(h, DEV, "Lakeside", (EVE,))
    # Monday 20:00 in Chicago is Tuesday 11:00 in Tokyo: Eve has had Tuesday's lesson.
    evening = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
    await run_until(h, MONDAY, evening)
    assert len(lessons(h, EVE)) == 1 and len(lessons(h, DEV)) == 1

    tomorrow = joined(await h.say(DEV, "/challenge cultural-humility 3 2026-03-03"))
    assert "would miss day 1" in tomorrow and "is Wed 4 March" in tomorrow
    started = joined(await h.say(DEV, "/challenge cultural-humility 3"))
    assert "from Wed 4 March" in started and "not today" in started
    await run_until(h, evening, evening + timedelta(days=4))
    assert challenge_days(h, EVE) == challenge_days(h, DEV) == [1, 2, 3]
    assert h.services is not None
    board = h.services.challenges.board(DEV, team_id)
    assert board is not None and board.challenge.start_date == date(2026, 3, 4)


# -- /teamstats counts a day only for the members it reached ----------------------------


async def test_teamstats_never_counts_a_late_joiner_as_missing_early_days(
    harness: Harness,
) -> None:
    h = harness
    team_id = riverside(h)
    assert "from Mon 2 March" in joined(await h.say(FAY, "/challenge cultural-humility 5"))
    wednesday = MONDAY + timedelta(days=2)
    await run_until(h, MONDAY, wednesday, answering=(FAY, ANN))  # Ben never answers
    learner(h, DEV, "Dev", "Europe/Berlin", time(7, 30))
    assert h.services is not None
    code = h.services.teams.teams_of(FAY)[0].code
    h.services.teams.request_join(DEV, code)
    h.services.teams.answer_consent(DEV, team_id, join=True, show_name=True)
    thursday = wednesday + timedelta(days=1)
    await run_until(h, wednesday, thursday, answering=(FAY, ANN, DEV))
    await h.move_to(datetime(2026, 3, 5, 11, 0, tzinfo=UTC))  # Thursday, lunchtime in Berlin
    await h.answer_quiz(FAY)
    await h.answer_quiz(DEV)

    stats = joined(await h.say(FAY, "/teamstats"))
    assert "Day 1 (Mon 2 March): 2 of 3" in stats  # Dev was not in the team yet
    assert "Day 3 (Wed 4 March): 3 of 4" in stats
    assert "Day 4 (Thu 5 March): 2 of 3" in stats  # Ann's Chicago lesson is still to come
    assert "joined later" in stats
    assert "Dev: 2, streak 2" in stats

    [document] = await h.say(FAY, "/export")
    assert document.document is not None
    data = h.emulator.world.files[document.document["file_id"]].data.decode()
    rows = {row[0]: row[3:] for row in csv.reader(io.StringIO(data))}
    assert rows["Dev"] == ["", "", "1", "1"] and rows["Ben"] == ["0", "0", "0", "0"]
    assert rows["Ann"] == ["1", "1", "1", ""]  # Thursday's lesson has not reached her yet


# -- 2. which challenge counts, for a member of two ---------------------------------------


async def test_a_member_of_two_challenges_is_asked_when_the_second_starts_and_it_sticks(
    harness: Harness,
) -> None:
    h = harness
    riverside(h)
    learner(h, DEV, "Dev", "Europe/Berlin", time(9, 0))
    learner(h, EVE, "Eve", "Europe/Berlin", time(9, 0))
    team(h, DEV, "Hillside", (FAY,))
    team(h, EVE, "Lakeside", ())
    await h.say(FAY, "/challenge cultural-humility 5")  # Riverside: Monday to Friday
    await h.say(DEV, "/challenge burnout-prevention 7 2026-03-03")  # Hillside: from Tuesday
    asked = "more than one running challenge"

    await run_until(h, MONDAY, MONDAY + timedelta(hours=23), answering=(FAY,))  # one, no question
    assert challenge_days(h, FAY) == [1] and not [t for t in h.texts(FAY) if asked in t]

    await h.move_to(datetime(2026, 3, 3, 6, 30, tzinfo=UTC))  # Tuesday 07:30: Hillside starts
    [note] = [t for t in h.texts(FAY) if asked in t]
    assert "Today's lesson counts for Riverside clinic." in note
    assert last_buttons(h, FAY) == ["Follow Hillside", "Keep Riverside clinic"]
    assert "Riverside clinic · day 2 of 5" in lessons(h, FAY)[-1]
    await h.answer_quiz(FAY)

    boards = joined(await h.say(FAY, "/team"))
    assert "Your daily lesson follows this challenge." in boards
    assert "Your daily lesson follows Riverside clinic's challenge, not this one" in boards
    assert last_buttons(h, FAY) == ["Follow Hillside"]  # only under Hillside's board
    assert "Hillside's challenge counts for you" in joined(await h.tap(FAY, "Follow Hillside"))
    assert "Your daily lesson" not in joined(await h.say(DEV, "/team"))  # Dev is in one

    await h.move_to(datetime(2026, 3, 4, 6, 30, tzinfo=UTC))  # Wednesday
    assert "Hillside · day 2 of 7" in lessons(h, FAY)[-1]
    await h.restart()  # the choice is stored, not remembered by the process
    await h.move_to(datetime(2026, 3, 5, 6, 30, tzinfo=UTC))  # Thursday
    assert "Hillside · day 3 of 7" in lessons(h, FAY)[-1]
    assert len([t for t in h.texts(FAY) if asked in t]) == 1  # no daily nagging

    # A third challenge starts: asked again, and the standing choice is said to be hers.
    assert h.services is not None
    lakeside = h.services.teams.teams_of(EVE)[0]
    h.services.teams.request_join(FAY, lakeside.code)
    h.services.teams.answer_consent(FAY, lakeside.id, join=True, show_name=False)
    await h.say(EVE, "/challenge trauma-informed-care 3 2026-03-06")
    await h.move_to(datetime(2026, 3, 6, 6, 30, tzinfo=UTC))  # Friday
    note = [t for t in h.texts(FAY) if asked in t][-1]
    assert "counts for Hillside (your choice)" in note
    assert "Hillside · day 4 of 7" in lessons(h, FAY)[-1]
    await h.tap(FAY, "Keep Hillside")

    # Riverside ended on Friday; its old "Follow" button changes nothing.
    await h.move_to(datetime(2026, 3, 7, 6, 30, tzinfo=UTC))  # Saturday
    assert "Hillside · day 5 of 7" in lessons(h, FAY)[-1]
    stale = joined(await h.tap(FAY, "Keep Riverside clinic"))
    assert "isn't running now" in stale
    await h.move_to(datetime(2026, 3, 8, 6, 30, tzinfo=UTC))  # Sunday
    assert "Hillside · day 6 of 7" in h.texts(FAY)[-1], "a sensitive lesson: its note first"
    await h.tap(FAY, "Show the lesson")
    assert "Hillside · day 6 of 7" in lessons(h, FAY)[-1]


# -- 3. never longer than the track ------------------------------------------------------


async def test_a_challenge_longer_than_its_track_is_refused_typed_or_tapped(
    harness: Harness,
) -> None:
    h = harness
    team_id = riverside(h)
    assert h.services is not None
    ethics = h.services.library.tracks["ethics-boundaries"]
    n = len(ethics.lesson_ids)
    refusal = f"{ethics.title} has {n} lessons"

    typed = joined(await h.say(FAY, f"/challenge ethics-boundaries {n + 1}"))
    assert refusal in typed and f"1 to {n} days" in typed and "Nothing was changed" in typed
    await h.say(FAY, "/challenge")
    assert f"has {n} lessons" in joined(await h.tap(FAY, ethics.title))
    assert last_buttons(h, FAY) == ["7 days", f"{n} days: the whole track"]
    message = h.emulator.bot_messages(FAY)[0].message_id  # any message: a forged press
    for forged in (
        f"tc:d:{team_id}:ethics-boundaries:14",
        f"tc:s:{team_id}:ethics-boundaries:14:0",
    ):
        assert refusal in joined(await h.press(FAY, message, forged, check=False)), forged
    assert h.services.challenges.board(FAY, team_id) is None

    # The whole track, tapped: one new lesson every day, then the track is done.
    await h.tap(FAY, f"{n} days: the whole track")
    assert "from Mon 2 March" in joined(await h.tap(FAY, "Today"))
    for day in range(n + 1):
        await h.move_to(datetime(2026, 3, 2, 6, 30, tzinfo=UTC) + timedelta(days=day))
        if "comes with a content note" in h.texts(FAY)[-1]:  # a sensitive lesson
            await h.tap(FAY, "Show the lesson")
    taught = [t.splitlines()[0] for t in lessons(h, FAY) if "Team challenge" in t]
    assert len(taught) == len(set(taught)) == n
    assert "Team challenge" not in lessons(h, FAY)[-1]  # afterwards, her own tracks again


# -- 4. a late answer names its day ------------------------------------------------------


async def test_a_quiz_answered_after_midnight_names_the_lessons_day(harness: Harness) -> None:
    h = harness
    learner(h, FAY, "Fay", "Europe/Berlin", time(7, 30))
    for day in range(4):  # Monday to Thursday, answered on the day
        await h.move_to(datetime(2026, 3, 2, 6, 30, tzinfo=UTC) + timedelta(days=day))
        done = joined(await h.answer_quiz(FAY))
        assert "That's today done" in done
    await h.move_to(datetime(2026, 3, 6, 6, 30, tzinfo=UTC))  # Friday's lesson
    await h.move_to(datetime(2026, 3, 6, 23, 30, tzinfo=UTC))  # 00:30 on Saturday in Berlin
    late = joined(await h.answer_quiz(FAY))
    assert "That's Friday's lesson done" in late and "today" not in late.split(":")[0]
