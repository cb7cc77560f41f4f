"""Facilitator announcements: exact copies, scheduling, restarts, reports, refusals."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.store.engine import Database
from bot.store.models import Announcement, AnnouncementDelivery
from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import ANN, BEN, CHO, FAY, MONDAY, clinic, joined, team

BOLD = [{"type": "bold", "offset": 0, "length": 8}]
HEADER = "📣 Riverside clinic · announcement\n\n"


def team_of_three(h: Harness) -> None:
    """Fay facilitates Riverside clinic; Ann and Ben are members; Cho is not in the team."""
    clinic(h)
    team(h, FAY, (ANN, BEN))


def announcements_to(h: Harness, who: int) -> list:  # type: ignore[type-arg]
    return [m for m in h.emulator.bot_messages(who) if text_of(m).startswith(HEADER)]


async def write(h: Harness, text: str, entities: list | None = None) -> str:  # type: ignore[type-arg]
    """Fay starts /announce and sends ``text``; returns what the bot answered."""
    await h.say(FAY, "/announce")
    before = len(h.emulator.bot_messages(FAY))
    h.emulator.send_message(FAY, text, entities=entities or [])
    await h.settle()
    return joined(h.emulator.bot_messages(FAY)[before:])


async def test_formatted_text_reaches_every_member_and_no_one_else(harness: Harness) -> None:
    h = harness
    team_of_three(h)
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
    team_of_three(h)
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
    team_of_three(h)
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
    team_of_three(h)
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
    team_of_three(h)
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
    team_of_three(h)
    h.emulator.block_bot(BEN)
    await write(h, "Quick survey.")
    await h.tap(FAY, "Send now")
    report = h.texts(FAY)[-1]
    assert "delivered to 1 of 2" in report and "Ben: blocked the bot" in report


async def test_someone_who_left_gets_no_more_announcements(harness: Harness) -> None:
    h = harness
    team_of_three(h)
    await write(h, "Friday's session is cancelled.")
    await h.tap(FAY, "Schedule")
    await h.say(FAY, "tomorrow 9:00")
    await h.say(BEN, "/leave")
    await h.move_to(MONDAY + timedelta(days=1, hours=3))  # 09:00 Berlin
    assert len(announcements_to(h, ANN)) == 1 and announcements_to(h, BEN) == []


async def test_non_facilitators_are_refused(harness: Harness) -> None:
    h = harness
    team_of_three(h)
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
    team_of_three(h)
    await write(h, "Reminder.")
    await h.tap(FAY, "Schedule")
    assert expected in joined(await h.say(FAY, when))
    assert h.services.announcements.listing(FAY) == []  # type: ignore[union-attr]


async def test_bad_content_is_refused_and_nothing_is_sent(harness: Harness) -> None:
    h = harness
    team_of_three(h)
    await h.say(FAY, "/announce")
    h.emulator.send_file(FAY, "document", "huge.zip", b"x", declared_size=60 * 1024 * 1024)
    await h.settle()
    assert "larger than Telegram allows" in h.texts(FAY)[-1]
    h.emulator.send_message(FAY, "x" * 4090, entities=[])
    await h.settle()
    assert "too long to send" in h.texts(FAY)[-1]
    assert "Cancelled" in joined(await h.say(FAY, "/cancel"))
    assert announcements_to(h, ANN) == []


async def test_a_daily_cap_protects_the_team(harness: Harness) -> None:
    h = harness
    team_of_three(h)
    for n in range(3):
        await write(h, f"Note {n}.")
        await h.tap(FAY, "Send now")
    await write(h, "One too many.")
    assert "had its announcements for today" in joined(await h.tap(FAY, "Send now"))
    assert len(announcements_to(h, ANN)) == 3


async def test_operators_can_announce_to_everyone(harness: Harness) -> None:
    h = harness
    team_of_three(h)
    h.settings = dataclasses.replace(h.settings, admin_ids=frozenset({FAY}))
    await h.restart()
    await h.say(FAY, "/announce")
    await h.tap(FAY, "Everyone")
    h.emulator.send_message(FAY, "Maintenance tonight at 22:00 UTC.", entities=[])
    await h.settle()
    await h.tap(FAY, "Send now")
    for who in (ANN, BEN, CHO):
        notices = [t for t in h.texts(who) if t.startswith("📣 Attune · notice")]
        assert notices == ["📣 Attune · notice\n\nMaintenance tonight at 22:00 UTC."]


async def test_flood_control_is_waited_out_without_losing_or_doubling(harness: Harness) -> None:
    h = harness
    team_of_three(h)
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
    team_of_three(h)
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
    team_of_three(h)
    assert "announcement is empty" in await write(h, "   ")
    h.emulator.send_message(FAY, "/today")  # a command is not an announcement
    await h.settle()
    assert announcements_to(h, ANN) == []
