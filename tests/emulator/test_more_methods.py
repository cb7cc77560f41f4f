"""The rest of the Bot API surface: files, keyboards, chats, edits, clock, conflicts."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram import Bot, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.constants import ChatAction
from telegram.error import BadRequest, Conflict, TimedOut

from bot.emulator import BotApiEmulator, EmulatorError
from tests.emulator.support import TOKEN, USER


async def test_fixed_clock_dates_messages() -> None:
    moment = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    async with BotApiEmulator(TOKEN, clock=lambda: moment) as emu:
        emu.add_user(1, "Fay")
        async with Bot(TOKEN, base_url=emu.base_url) as bot:
            sent = await bot.send_message(1, "good morning")
    assert sent.date == moment


async def test_reply_keyboards_are_stored(bot: Bot, emulator: BotApiEmulator) -> None:
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Yes"), "No"]], one_time_keyboard=True)
    sent = await bot.send_message(USER, "Ready?", reply_markup=keyboard)
    await bot.send_message(USER, "Ok", reply_markup=ReplyKeyboardRemove())
    first, second = emulator.bot_messages(USER)
    assert sent.reply_markup is None  # Telegram only echoes inline keyboards
    assert first.reply_markup is not None and first.reply_markup["keyboard"][0][1] == {
        "text": "No"
    }
    assert second.reply_markup == {"remove_keyboard": True}


async def test_photo_limit_and_document(bot: Bot, emulator: BotApiEmulator) -> None:
    with pytest.raises(BadRequest, match="(?i)file is too big"):
        await bot.send_photo(USER, b"\0" * (10 * 1024 * 1024 + 1), filename="big.jpg")
    png = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + (640).to_bytes(4) + (480).to_bytes(4)
    photo = await bot.send_photo(USER, png, caption="chart")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (640, 480)
    again = await bot.send_document(USER, photo.photo[-1].file_id)
    assert again.document is not None


async def test_edits_deletes_forwards(bot: Bot, emulator: BotApiEmulator) -> None:
    sent = await bot.send_message(USER, "draft")
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_text("draft", USER, sent.message_id)
    await bot.edit_message_text("final", USER, sent.message_id)
    forwarded = await bot.forward_message(USER, USER, sent.message_id)
    assert forwarded.text == "final" and forwarded.forward_origin is not None
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    assert [m.deleted for m in emulator.messages(USER)] == [True, False]


async def test_chats_and_actions(bot: Bot, emulator: BotApiEmulator) -> None:
    assert await bot.send_chat_action(USER, ChatAction.TYPING)
    assert (await bot.get_chat(USER)).first_name == "Ann"
    assert (await bot.get_chat_member(USER, USER)).status == "member"
    emulator.create_group(-9, "Peers", [USER])
    assert (await bot.get_chat_member(-9, bot.id)).status == "member"
    assert await bot.leave_chat(-9)
    assert (await bot.get_chat_member(-9, bot.id)).status == "left"
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.get_chat(12345)


async def test_callback_answer_limit(bot: Bot, emulator: BotApiEmulator) -> None:
    with pytest.raises(BadRequest, match="(?i)query id is invalid"):
        await bot.answer_callback_query("nope")
    sent = await bot.send_message(USER, "x")
    query_id = emulator.press_button(USER, sent.message_id, "forged", check=False)
    with pytest.raises(BadRequest):
        await bot.answer_callback_query(query_id, "y" * 201)
    assert await bot.answer_callback_query(query_id, "ok", show_alert=True)
    assert emulator.callback_answers()[0].show_alert


async def test_second_poller_conflicts_first(bot: Bot, emulator: BotApiEmulator) -> None:
    first = asyncio.ensure_future(bot.get_updates(timeout=3))
    world = emulator.world
    assert await world.changed.wait_for(lambda: world.poll_generation == 1, 5), "no long poll"
    async with Bot(TOKEN, base_url=emulator.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="(?i)terminated by other getUpdates"):
        await first


async def test_open_period_closes_poll() -> None:
    now = [dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)]
    async with BotApiEmulator(TOKEN, clock=lambda: now[0]) as emu:
        emu.add_user(1, "Fay")
        async with Bot(TOKEN, base_url=emu.base_url) as bot:
            sent = await bot.send_poll(1, "Q", ["a", "b"], is_anonymous=False, open_period=30)
        assert sent.poll is not None
        emu.answer_poll(1, sent.poll.id, [1])
        now[0] += dt.timedelta(seconds=31)
        with pytest.raises(EmulatorError, match="closed"):
            emu.answer_poll(1, sent.poll.id, [0])


async def test_latency_makes_ptb_time_out(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.set_latency(0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.1)
    emulator.set_latency(0)
    await bot.send_message(USER, "fast")
    emulator.set_latency(0.5, method="sendMessage")  # only that method is slow
    await bot.get_me(read_timeout=0.1)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.1)
    emulator.set_latency(0)  # clears the per-method delay too
    await bot.send_message(USER, "fast")
