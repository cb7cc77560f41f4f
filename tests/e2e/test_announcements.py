"""Facilitator announcements: exact copies, scheduling, restarts, reports, refusals."""

from __future__ import annotations

import dataclasses
from datetime import time, timedelta

import pytest
from sqlmodel import select

from bot.learning.schedule import ALL_DAYS
from bot.services.announcements import Content
from bot.store.engine import Database
from bot.store.models import Announcement, AnnouncementDelivery
from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import ANN, BEN, CHO, DEV, FAY, MONDAY, clinic, joined, team

pytestmark = pytest.mark.both_databases

BOLD = [{"type": "bold", "offset": 0, "length": 8}]
HEADER = "📣 Riverside clinic · announcement\n\n"


async def team_of_three(h: Harness) -> None:
    """Fay facilitates Riverside clinic; Ann and Ben are members; Cho is not in the team."""
    clinic(h)
    team(h, FAY, (ANN, BEN))


def announcements_to(h: Harness, who: int) -> list:  # type: ignore[type-arg]
    return [m for m in h.emulator.bot_messages(who) if text_of(m).startswith(HEADER)]


async def write(
    h: Harness,
    text: str,
    entities: list | None = None,  # type: ignore[type-arg]
    who: int = FAY,
    audience: str | None = None,
) -> str:
    """Fay (or ``who``) starts /announce, picks ``audience`` if asked to, and sends
    ``text``; returns the bot's answers."""
    before = len(h.emulator.bot_messages(who))
    await h.say(who, "/announce")
    if audience is not None:
        await h.tap(who, audience)
    h.emulator.send_message(who, text, entities=entities or [])
    await h.settle()
    return joined(h.emulator.bot_messages(who)[before:])


PEOPLE = ((FAY, "Fay", "Europe/Berlin"), (DEV, "Dev", "America/Chicago"))
MEMBERS = ((ANN, "Ann", "America/Chicago"), (BEN, "Ben", "Asia/Tokyo"))


async def make_operators(h: Harness, *who: int) -> None:
    """Restart with ``who`` as the operators (``ATTUNE_ADMIN_IDS``)."""
    h.settings = dataclasses.replace(h.settings, admin_ids=frozenset(who))
    await h.restart()


def quick_team(h: Harness) -> int:
    """Built through the services: Fay (Berlin) and Dev (Chicago) facilitate Riverside
    clinic, Ann and Ben are members, Cho is not in it. Returns the team's id."""
    s = h.services
    assert s is not None
    for who, name, zone in (*PEOPLE, *MEMBERS, (CHO, "Cho", "Europe/London")):
        h.user(who, name)
        s.learners.start(who, who, name)
        s.learners.toggle_track(who, "cultural-humility")
        s.learners.confirm_tracks(who)
        s.learners.set_time(who, time(7, 0))
        s.learners.set_zone(who, zone)
        s.learners.set_days(who, ALL_DAYS)
    team = s.teams.create(FAY, "Riverside clinic").id
    for who, _, _ in (*MEMBERS, PEOPLE[1]):
        s.teams.request_join(who, s.teams.teams_of(FAY)[0].code)
        s.teams.answer_consent(who, team, True, False)
    s.teams.make_facilitator(FAY, team, DEV)
    return team


def schedule(h: Harness, who: int, team: int, text: str, after: timedelta) -> int:
    """``who`` schedules ``text`` for ``after`` past Monday 06:00 in Berlin, by the service."""
    s = h.services
    assert s is not None
    draft = s.announcements.draft(who, team, Content("text", text))
    return s.announcements.schedule(who, draft.id, MONDAY + after).id


def buttons(message: object) -> list[str]:
    return [b["text"] for row in message.buttons for b in row]  # type: ignore[attr-defined]


def state_of(h: Harness, announcement_id: int) -> str:
    with h.services.db.session() as session:  # type: ignore[union-attr]
        announcement = session.get(Announcement, announcement_id)
        assert announcement is not None
        return announcement.state


async def test_formatted_text_reaches_every_member_and_no_one_else(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    answer = await write(h, "Tomorrow: session moves to 3 pm.", BOLD)
    assert "Preview" in answer and HEADER + "Tomorrow: session moves to 3 pm." in answer
    await h.tap(FAY, "Send now")
    for who in (ANN, BEN):
        [message] = announcements_to(h, who)
        assert message.text == HEADER + "Tomorrow: session moves to 3 pm."
        shifted = len(HEADER.encode("utf-16-le")) // 2
        assert {"type": "bold", "offset": shifted, "length": 8} in message.entities
    assert announcements_to(h, CHO) == []
    report = h.texts(FAY)[-1]
    assert "Your announcement to Riverside clinic: delivered to 2 of 2." in report


async def test_a_document_reaches_members_as_the_same_file(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    await h.say(FAY, "/announce")
    sent = h.emulator.send_file(
        FAY, "document", "handout.pdf", b"%PDF-1.4 handout", caption="Read before Friday"
    )
    await h.settle()
    await h.tap(FAY, "Send now")
    file_id = sent.document["file_id"]  # type: ignore[index]
    for who in (ANN, BEN):
        documents = [m for m in h.emulator.bot_messages(who) if m.document]
        assert len(documents) == 1 and documents[0].document["file_id"] == file_id  # type: ignore[index]
        assert documents[0].caption == HEADER + "Read before Friday"
    assert not [m for m in h.emulator.bot_messages(CHO) if m.document]


async def test_a_scheduled_announcement_arrives_at_its_instant_after_a_restart(
    harness: Harness,
) -> None:
    h = harness
    await team_of_three(h)
    await write(h, "Reminder: supervision at 4.")
    await h.tap(FAY, "Schedule")
    reply = joined(await h.say(FAY, "tomorrow 15:00"))
    assert "Scheduled for Tuesday 3 March at 15:00 (Europe/Berlin)" in reply
    await h.restart()
    await h.move_to(MONDAY + timedelta(days=1, hours=8, minutes=59))  # 14:59 Berlin
    assert announcements_to(h, ANN) == []
    await h.move_to(MONDAY + timedelta(days=1, hours=9))  # 15:00 Berlin
    assert len(announcements_to(h, ANN)) == 1 and len(announcements_to(h, BEN)) == 1
    await h.move_to(MONDAY + timedelta(days=1, hours=9, minutes=30))
    assert len(announcements_to(h, ANN)) == 1


async def test_an_interrupted_fan_out_completes_without_duplicates(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    h.emulator.add_fault(method="sendMessage", chat_id=BEN, status=502, times=None)
    await write(h, "Team lunch on Thursday.")
    await h.tap(FAY, "Send now")
    assert len(announcements_to(h, ANN)) == 1 and announcements_to(h, BEN) == []
    await h.stop_bot()  # the process goes down with Ben's delivery still owed
    h.emulator.clear_faults()
    await h.start_bot()
    await h.tick()
    await h.tick()
    assert len(announcements_to(h, ANN)) == 1 and len(announcements_to(h, BEN)) == 1
    assert "delivered to 2 of 2" in h.texts(FAY)[-1]


async def test_a_delivery_cut_off_mid_send_is_reported_not_repeated(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    h.emulator.add_fault(method="sendMessage", chat_id=BEN, status=502, times=None)
    await write(h, "Policy update.")
    await h.tap(FAY, "Send now")
    await h.stop_bot()
    db = Database(h.settings.database_url)
    with db.session() as session:  # as if the process died after Telegram took the message
        query = select(AnnouncementDelivery).where(AnnouncementDelivery.learner_id == BEN)
        row = session.exec(query).one()
        row.state = "sending"
        session.add(row)
    db.dispose()
    h.emulator.clear_faults()
    await h.start_bot()
    await h.tick()
    assert announcements_to(h, BEN) == []
    report = h.texts(FAY)[-1]
    assert "delivered to 1 of 2" in report and "Ben: sending was interrupted" in report


async def test_a_member_who_blocked_the_bot_is_in_the_report(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    h.emulator.block_bot(BEN)
    await write(h, "Quick survey.")
    await h.tap(FAY, "Send now")
    report = h.texts(FAY)[-1]
    assert "delivered to 1 of 2" in report and "Ben: blocked the bot" in report


async def test_someone_who_left_gets_no_more_announcements(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    await write(h, "Friday's session is cancelled.")
    await h.tap(FAY, "Schedule")
    await h.say(FAY, "tomorrow 9:00")
    await h.say(BEN, "/leave")
    await h.move_to(MONDAY + timedelta(days=1, hours=3))  # 09:00 Berlin
    assert len(announcements_to(h, ANN)) == 1 and announcements_to(h, BEN) == []


async def test_non_facilitators_are_refused(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    assert "Only a team's facilitators" in joined(await h.say(ANN, "/announce"))
    await write(h, "Draft only.")
    with h.services.db.session() as session:  # type: ignore[union-attr]
        draft = session.exec(select(Announcement).where(Announcement.learner_id == FAY)).one()
    team_id = draft.team_id
    message = h.emulator.bot_messages(ANN)[-1].message_id
    for forged in (f"an:s:{draft.id}", f"an:l:{draft.id}", f"an:c:{draft.id}", f"an:t:{team_id}"):
        reply = joined(await h.press(ANN, message, forged, check=False))
        assert "Only this team's facilitators can do that" in reply, forged
    await h.press(ANN, message, "an:s:x", check=False)
    assert "no longer active" in h.emulator.callback_answers()[-1].text  # type: ignore[operator]
    assert announcements_to(h, BEN) == [] and announcements_to(h, ANN) == []
    assert h.services.announcements.listing(FAY) == []  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("yesterday-ish", "couldn't read that time"),
        ("2026-03-01 10:00", "already passed"),
        ("tomorrow 15:00 Europe/Berln", "don't know that time zone"),
    ],
)
async def test_bad_schedule_times_are_refused(harness: Harness, when: str, expected: str) -> None:
    h = harness
    await team_of_three(h)
    await write(h, "Reminder.")
    await h.tap(FAY, "Schedule")
    assert expected in joined(await h.say(FAY, when))
    assert h.services.announcements.listing(FAY) == []  # type: ignore[union-attr]


async def test_bad_content_is_refused_and_nothing_is_sent(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    await h.say(FAY, "/announce")
    h.emulator.send_file(FAY, "document", "huge.zip", b"x", declared_size=60 * 1024 * 1024)
    await h.settle()
    assert "larger than Telegram allows" in h.texts(FAY)[-1]
    h.emulator.send_message(FAY, "x" * 4090, entities=[])
    await h.settle()
    assert "too long to send" in h.texts(FAY)[-1]
    assert "Cancelled" in joined(await h.say(FAY, "/cancel"))
    assert announcements_to(h, ANN) == []


async def test_operators_can_announce_to_everyone(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    await make_operators(h, FAY)
    await write(h, "Maintenance tonight at 22:00 UTC.", audience="Everyone")
    await h.tap(FAY, "Send now")
    for who in (ANN, BEN, CHO):
        notices = [t for t in h.texts(who) if t.startswith("📣 Attune · notice")]
        assert notices == ["📣 Attune · notice\n\nMaintenance tonight at 22:00 UTC."]


async def test_flood_control_is_waited_out_without_losing_or_doubling(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    h.emulator.add_fault(method="sendMessage", chat_id=ANN, status=429, retry_after=1, times=1)
    await write(h, "Rota for next week attached soon.")
    await h.tap(FAY, "Send now")
    await h.tick()
    assert len(announcements_to(h, ANN)) == 1 and len(announcements_to(h, BEN)) == 1
    assert "delivered to 2 of 2" in h.texts(FAY)[-1]


async def test_announcements_are_listed_and_a_scheduled_one_can_be_cancelled(
    harness: Harness,
) -> None:
    h = harness
    await team_of_three(h)
    await write(h, "Sent one.")
    await h.tap(FAY, "Send now")
    await write(h, "Later one.")
    await h.tap(FAY, "Schedule")
    await h.say(FAY, "2026-03-04 10:00")
    listed = joined(await h.say(FAY, "/announcements"))
    assert "to Riverside clinic: scheduled for Wednesday 4 March at 10:00" in listed
    assert "to Riverside clinic: sent, delivered to 2 of 2. “Sent one.”" in listed
    assert "Cancelled" in joined(await h.tap(FAY, "Cancel it"))
    await h.move_to(MONDAY + timedelta(days=2, hours=5))
    assert [text_of(m) for m in announcements_to(h, ANN)] == [HEADER + "Sent one."]


async def test_an_empty_or_unsupported_announcement_is_refused(harness: Harness) -> None:
    h = harness
    await team_of_three(h)
    assert "announcement is empty" in await write(h, "   ")
    h.emulator.send_message(FAY, "/today")  # a command is not an announcement
    await h.settle()
    assert announcements_to(h, ANN) == []


# -- trust at the edges: held back, cancelled by any facilitator, a cap on what is planned


async def test_a_scheduled_announcement_whose_author_was_removed_is_held_and_facilitators_told(
    harness: Harness,
) -> None:
    h = harness
    team = quick_team(h)
    await write(h, "Reminder: supervision at 4.")
    await h.tap(FAY, "Schedule")
    await h.say(FAY, "tomorrow 15:00")
    await h.say(DEV, "/announcements")  # Dev will press this Cancel it after the hold
    h.services.teams.remove_member(DEV, team, FAY)  # type: ignore[union-attr]
    await h.move_to(MONDAY + timedelta(days=1, hours=9))  # 15:00 Berlin, 08:00 Chicago
    for who in (ANN, BEN, DEV):  # Fay's chat holds only her preview
        assert announcements_to(h, who) == [], who
    [notice] = [t for t in h.texts(DEV) if "held back" in t]
    assert (
        "An announcement to Riverside clinic scheduled for Tuesday 3 March at 08:00 "
        "(America/Chicago) was held back and not sent: Fay, who wrote it, is no longer a "
        "facilitator of the team. “Reminder: supervision at 4.”" in notice
    )
    assert not [t for who in (FAY, ANN, BEN) for t in h.texts(who) if "held back" in t]
    with h.services.db.session() as session:  # type: ignore[union-attr]
        [held] = session.exec(select(Announcement)).all()
    assert held.state == "held"  # marked, not silently dropped
    assert "nothing to cancel" in joined(await h.tap(DEV, "Cancel it"))
    listed = await h.say(DEV, "/announcements")
    assert "Riverside clinic: held back, not sent" in joined(listed)
    assert all(buttons(m) == [] for m in listed)
    await h.move_to(MONDAY + timedelta(days=1, hours=10))
    assert len([t for t in h.texts(DEV) if "held back and not sent" in t]) == 1  # told once
    assert announcements_to(h, ANN) == []


async def test_an_operators_scheduled_notice_is_held_once_they_are_no_longer_an_operator(
    harness: Harness,
) -> None:
    h = harness
    quick_team(h)
    await make_operators(h, FAY, DEV)
    await write(h, "Maintenance tonight.", audience="Everyone")
    await h.tap(FAY, "Schedule")
    await h.say(FAY, "tomorrow 15:00")
    await make_operators(h, DEV)
    await h.move_to(MONDAY + timedelta(days=1, hours=9))
    for who in (ANN, BEN, CHO, DEV):
        assert not [t for t in h.texts(who) if t.startswith("📣 Attune · notice")], who
    [notice] = [t for t in h.texts(DEV) if "held back" in t]
    assert "An announcement to everyone scheduled for Tuesday 3 March at 08:00" in notice
    assert "Fay, who wrote it, is no longer an Attune operator." in notice


async def test_any_facilitator_of_the_team_can_cancel_its_scheduled_announcements(
    harness: Harness,
) -> None:
    h = harness
    quick_team(h)
    await write(h, "Reminder: supervision at 4.")
    await h.tap(FAY, "Schedule")
    await h.say(FAY, "tomorrow 15:00")
    listed = joined(await h.say(DEV, "/announcements"))
    assert "to Riverside clinic: scheduled for Tuesday 3 March at 08:00" in listed
    assert "Cancelled" in joined(await h.tap(DEV, "Cancel it"))
    told = h.texts(FAY)[-1]
    assert (
        "Dev cancelled your announcement to Riverside clinic scheduled for Tuesday 3 March at "
        "15:00 (Europe/Berlin). Nothing was sent." in told
    )
    await h.move_to(MONDAY + timedelta(days=1, hours=10))
    for who in (ANN, BEN, DEV):  # Fay's chat holds only her preview
        assert announcements_to(h, who) == [], who
    assert "No scheduled or recent announcements" in joined(await h.say(DEV, "/announcements"))


async def test_announcements_shows_only_the_buttons_a_person_may_use(harness: Harness) -> None:
    h = harness
    team = quick_team(h)
    await write(h, "Sent one.")
    await h.tap(FAY, "Send now")
    schedule(h, DEV, team, "Later one.", timedelta(days=2))
    for who in (FAY, DEV):
        listed = [(text_of(m), buttons(m)) for m in await h.say(who, "/announcements")]
        [(scheduled, cancel)] = [(t, b) for t, b in listed if ": scheduled for" in t]
        [(sent, none)] = [(t, b) for t, b in listed if ": sent, delivered" in t]
        assert "Later one." in scheduled and cancel == ["Cancel it"], who
        assert "Sent one." in sent and none == [], who
    assert "No scheduled or recent" in joined(await h.say(ANN, "/announcements"))
    h.services.teams.remove_member(DEV, team, FAY)  # type: ignore[union-attr]
    after = await h.say(FAY, "/announcements")  # no longer hers to cancel, nor to see
    assert "No scheduled or recent" in joined(after) and all(buttons(m) == [] for m in after)


async def test_a_daily_cap_counts_what_went_out_in_the_past_day(harness: Harness) -> None:
    h = harness
    quick_team(h)
    for n in range(3):
        h.clock.set(MONDAY + timedelta(hours=n))  # 06:00, 07:00, 08:00 Berlin
        prompt = await write(h, f"Note {n}.")
        assert f"Riverside clinic can receive {3 - n} more announcement" in prompt
        await h.tap(FAY, "Send now")
    h.clock.set(MONDAY + timedelta(hours=3))
    answer = await write(h, "One too many.")
    opens = "Tuesday 3 March at 06:00 (Europe/Berlin)"
    assert (
        "There are already 3 announcements to Riverside clinic sent or scheduled within 24 hours "
        f"of now, the most allowed, so the next can go out from {opens}" in answer
    )
    assert buttons(h.emulator.bot_messages(FAY)[-1]) == ["Schedule", "Cancel"]
    with h.services.db.session() as session:  # type: ignore[union-attr]
        newest = max(session.exec(select(Announcement)).all(), key=lambda a: a.id or 0)
    message = h.emulator.bot_messages(FAY)[-1].message_id
    refused = joined(await h.press(FAY, message, f"an:s:{newest.id}", check=False))
    assert (
        "That would make more than 3 announcements to Riverside clinic within 24 hours" in refused
    )
    assert f"Nothing was sent. The next can go out from {opens}" in refused
    assert len(announcements_to(h, ANN)) == 3
    await h.tap(FAY, "Schedule")
    assert "Scheduled for Tuesday 3 March at 06:00" in joined(await h.say(FAY, "tomorrow 6:00"))


async def test_the_cap_counts_announcements_scheduled_ahead(harness: Harness) -> None:
    h = harness
    team = quick_team(h)
    await write(h, "The lift is out.")  # Send now is offered: there is room
    for hour in (4, 6, 8):  # then Dev schedules three for 10:00, 12:00 and 14:00 Berlin
        schedule(h, DEV, team, f"Rota {hour}.", timedelta(hours=hour))
    refused = joined(await h.tap(FAY, "Send now"))
    assert "That would make more than 3 announcements to Riverside clinic within 24" in refused
    assert "The next can go out from Tuesday 3 March at 10:00 (Europe/Berlin)" in refused
    assert buttons(h.emulator.bot_messages(FAY)[-1]) == ["Schedule", "Cancel"]
    await h.tap(FAY, "Schedule")
    refused = joined(await h.say(FAY, "tomorrow 9:00"))
    assert "Nothing was scheduled. The first time from then that fits is Tuesday 3 March at " in (
        refused
    )
    assert "10:00 (Europe/Berlin)" in refused
    assert "Scheduled for Tuesday 3 March at 10:00" in joined(await h.say(FAY, "tomorrow 10:00"))
    await h.move_to(MONDAY + timedelta(hours=9))
    assert len(announcements_to(h, ANN)) == 3


async def test_drafts_written_earlier_cannot_get_round_the_cap(harness: Harness) -> None:
    h = harness
    quick_team(h)
    confirms = []
    for n in range(4):  # four drafts on Monday, each with its Send now
        await write(h, f"Draft {n}.")
        confirms.append(h.emulator.bot_messages(FAY)[-1])
    h.clock.set(MONDAY + timedelta(days=1, hours=1))  # Tuesday 07:00 Berlin
    for confirm in confirms[:3]:
        await h.press(FAY, confirm.message_id, confirm.buttons[0][0]["callback_data"])
    last = confirms[3]
    refused = joined(await h.press(FAY, last.message_id, last.buttons[0][0]["callback_data"]))
    assert "Nothing was sent. The next can go out from Wednesday 4 March at 07:00" in refused
    assert len(announcements_to(h, ANN)) == 3


async def test_the_prompt_says_how_many_more_each_audience_may_receive(harness: Harness) -> None:
    h = harness
    quick_team(h)
    await make_operators(h, FAY)
    prompt = await write(h, "First.", audience="Riverside clinic")
    assert (
        "Riverside clinic can receive 3 more announcements now (at most 3 in any 24 hours, "
        "counting those sent and scheduled)." in prompt
    )
    await h.tap(FAY, "Send now")
    await h.say(FAY, "/announce")
    assert "can receive 2 more announcements now" in joined(await h.tap(FAY, "Riverside clinic"))
    await h.say(FAY, "/cancel")
    await h.say(FAY, "/announce")
    assert "Everyone can receive 3 more announcements now" in joined(await h.tap(FAY, "Everyone"))


async def test_schedules_stacked_ahead_cannot_get_round_the_cap(harness: Harness) -> None:
    h = harness
    team = quick_team(h)
    for hour in (4, 6, 8):  # on Monday, three for Friday 10:00, 12:00 and 14:00 Berlin
        schedule(h, FAY, team, f"Friday {hour}.", timedelta(days=4, hours=hour))
    h.clock.set(MONDAY + timedelta(days=1, hours=1))  # Tuesday: Monday's drafts are old
    await write(h, "Friday too.")
    await h.tap(FAY, "Schedule")
    refused = joined(await h.say(FAY, "2026-03-06 16:00"))
    assert "Nothing was scheduled. The first time from then that fits is Saturday 7 March at" in (
        refused
    )
    assert "Scheduled for Saturday 7 March at 10:00" in joined(
        await h.say(FAY, "2026-03-07 10:00")
    )
