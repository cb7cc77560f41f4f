"""The real PTB Application, long polling the emulator: commands, buttons, polls, blocks."""

from __future__ import annotations

from telegram import ChatMemberUpdated

from bot.emulator import BotApiEmulator
from tests.emulator.support import USER, AnyApp, handled


async def test_start_command_gets_keyboard(app: AnyApp, emulator: BotApiEmulator) -> None:
    sent = emulator.send_message(USER, "/start")

    [reply] = await emulator.wait_for_bot_messages(USER, 1)

    assert sent.entities == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert reply.text == "Pick a topic:"
    assert [b["text"] for b in reply.buttons[0]] == ["Trauma-informed care", "Burnout prevention"]
    methods = [r.method for r in emulator.requests()]
    assert methods[:2] == ["getMe", "deleteWebhook"]
    assert "getUpdates" in methods


async def test_button_press_is_answered_and_edits(app: AnyApp, emulator: BotApiEmulator) -> None:
    emulator.send_message(USER, "/start")
    [menu] = await emulator.wait_for_bot_messages(USER, 1)

    emulator.press_button(USER, menu.message_id, "topic:burnout")
    await handled(emulator, app)

    edited = emulator.last_bot_message(USER)
    assert edited is not None and edited.edited
    assert edited.text == "You chose burnout."
    assert edited.entities == [{"type": "bold", "offset": 10, "length": 7}]
    assert edited.reply_markup is None
    assert [a.text for a in emulator.callback_answers()] == ["Saved burnout"]


async def test_poll_answer_reaches_handler(app: AnyApp, emulator: BotApiEmulator) -> None:
    emulator.send_message(USER, "/quiz")
    [message] = await emulator.wait_for_bot_messages(USER, 1)
    assert message.poll is not None and message.poll_id is not None
    assert message.poll["type"] == "quiz" and message.poll["correct_option_ids"] == [0]

    emulator.answer_poll(USER, message.poll_id, [0])
    await handled(emulator, app)

    answers = [u.poll_answer for u in app.bot_data["events"] if u.poll_answer]
    assert [(a.poll_id, a.option_ids, a.user and a.user.id) for a in answers] == [
        (message.poll_id, (0,), USER)
    ]
    assert answers[0].option_persistent_ids == (f"{message.poll_id}-0",)
    assert emulator.poll(message.poll_id).voter_counts() == [1, 0]


async def test_block_sends_my_chat_member(app: AnyApp, emulator: BotApiEmulator) -> None:
    emulator.block_bot(USER)
    await handled(emulator, app)

    updates: list[ChatMemberUpdated] = [
        u.my_chat_member for u in app.bot_data["events"] if u.my_chat_member
    ]
    assert [(u.old_chat_member.status, u.new_chat_member.status) for u in updates] == [
        ("member", "kicked")
    ]
