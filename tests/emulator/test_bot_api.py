"""Bot API behaviour seen through the real ``telegram.Bot``: results, limits, errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputPollOption
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from bot.emulator import BotApiEmulator
from tests.emulator.support import TOKEN, USER


async def test_get_me_has_username(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "attune_demo_bot" and me.is_bot and me.can_join_groups


async def test_html_entities_use_utf16_offsets(bot: Bot, emulator: BotApiEmulator) -> None:
    sent = await bot.send_message(USER, "😀 <b>bold</b> &amp; <i>it</i>", parse_mode="HTML")

    assert sent.text == "😀 bold & it"
    assert sent.parse_entities() == {
        e: t for e, t in zip(sent.entities, ["bold", "it"], strict=True)
    }
    stored = emulator.last_bot_message(USER)
    assert stored is not None and stored.entities[0] == {"type": "bold", "offset": 3, "length": 4}


async def test_markdown_v2(bot: Bot) -> None:
    sent = await bot.send_message(USER, r"*Hi* _there_\! [link](https://x\.org)", "MarkdownV2")
    assert sent.text == "Hi there! link"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("italic", 3, 5),
        ("text_link", 10, 4),
    ]
    with pytest.raises(BadRequest, match="(?i)reserved"):
        await bot.send_message(USER, "1. nope", parse_mode="MarkdownV2")


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("x" * 4097, None, "message is too long"),
        ("<b>open", "HTML", "can't parse entities"),
        ("<blink>x</blink>", "HTML", 'Unsupported start tag "blink"'),
        ("<b>x</i>", "HTML", "Unmatched end tag"),
        ("<b> </b>", "HTML", "message text is empty"),
    ],
)
async def test_text_errors(bot: Bot, text: str, parse_mode: str | None, error: str) -> None:
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.send_message(USER, text, parse_mode=parse_mode)


async def test_exactly_4096_chars_is_fine(bot: Bot) -> None:
    sent = await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert len(sent.text or "") == 4096


async def test_unknown_chat_and_blocked_user(bot: Bot, emulator: BotApiEmulator) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999, "hi")
    emulator.block_bot(USER)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    emulator.unblock_bot(USER)
    await bot.send_message(USER, "welcome back")


async def test_bad_token_and_unknown_method(emulator: BotApiEmulator, bot: Bot) -> None:
    request = HTTPXRequest()
    stranger = Bot("999:WRONG", base_url=emulator.base_url, request=request)
    with pytest.raises(InvalidToken):
        await stranger.get_me()
    await request.shutdown()  # the Bot never initialized, so it would not close it
    with pytest.raises(BadRequest, match="(?i)method sendHologram not found"):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": USER})


async def test_keyboard_validation(bot: Bot) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "hi", reply_markup=too_long)
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 64)]])
    sent = await bot.send_message(USER, "hi", reply_markup=ok)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=ok)
    edited = await bot.edit_message_reply_markup(USER, sent.message_id)
    assert isinstance(edited, object) and not getattr(edited, "reply_markup", None)


async def test_quiz_poll(bot: Bot, emulator: BotApiEmulator) -> None:
    sent = await bot.send_poll(
        USER,
        "2 + 2?",
        [InputPollOption("4"), "5"],
        type="quiz",
        correct_option_ids=[0],
        explanation="Count it.",
        open_period=60,
    )
    assert sent.poll is not None
    assert sent.poll.is_anonymous and sent.poll.correct_option_ids == (0,)
    assert sent.poll.open_period == dt.timedelta(seconds=60)
    poll_id = sent.poll.id
    assert [o.persistent_id for o in sent.poll.options] == [f"{poll_id}-0", f"{poll_id}-1"]
    with pytest.raises(BadRequest, match="(?i)correct_option_ids"):
        await bot.send_poll(USER, "Q", ["a", "b"], type="quiz")
    with pytest.raises(BadRequest, match="(?i)POLL_ANSWERS_INVALID"):
        await bot.send_poll(USER, "Q", ["a"] * 13)
    with pytest.raises(BadRequest, match="(?i)line feeds"):
        await bot.send_poll(USER, "Q", ["a", "b"], explanation="1\n2\n3\n4")
    stopped = await bot.stop_poll(USER, sent.message_id)
    assert stopped.is_closed and emulator.poll(sent.poll.id).is_closed


async def test_copy_document_with_new_caption(bot: Bot, emulator: BotApiEmulator) -> None:
    doc = await bot.send_document(USER, b"%PDF-1.4 fake", filename="guide.pdf", caption="v1")
    emulator.create_group(-100, "Team", [USER])

    copied = await bot.copy_message(
        -100, USER, doc.message_id, caption="<i>v2</i>", parse_mode="HTML"
    )

    [stored] = emulator.messages(-100)
    assert stored.message_id == copied.message_id
    assert stored.document is not None and doc.document is not None
    assert stored.document["file_id"] == doc.document.file_id
    assert stored.document["file_name"] == "guide.pdf"
    assert (stored.caption, stored.caption_entities[0]["type"]) == ("v2", "italic")
    file = await bot.get_file(doc.document.file_id)
    assert await file.download_as_bytearray() == b"%PDF-1.4 fake"


async def test_retry_after_and_server_errors(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.add_fault("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert caught.value.retry_after == dt.timedelta(seconds=3)
    emulator.add_fault(status=502, times=1)
    with pytest.raises(NetworkError, match="(?i)Bad Gateway"):
        await bot.send_message(USER, "hi")
    await bot.send_message(USER, "hi")
    assert [r.status for r in emulator.requests("sendMessage")] == [429, 502, 200]


async def test_pause_refuses_connections(bot: Bot, emulator: BotApiEmulator) -> None:
    await bot.send_message(USER, "before")
    await emulator.pause()
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "during")
    await emulator.resume()
    await bot.send_message(USER, "after")
    assert [m.text for m in emulator.bot_messages(USER)] == ["before", "after"]


async def test_long_polling_blocks_until_update(bot: Bot, emulator: BotApiEmulator) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9

    started = time.monotonic()
    polling = asyncio.ensure_future(bot.get_updates(timeout=5))
    world = emulator.world
    assert await world.changed.wait_for(lambda: world.poll_generation == 2, 5), "no long poll"
    emulator.send_message(USER, "hello")  # while the bot's request is blocked
    [update] = await polling
    assert time.monotonic() - started < 2
    assert update.message is not None and update.message.text == "hello"
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_commands_and_request_log(bot: Bot, emulator: BotApiEmulator) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("today", "Lesson")])
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "today"]
    assert emulator.commands()["default"][1] == {"command": "today", "description": "Lesson"}
    await bot.send_message(USER, "123")
    [record] = emulator.requests("sendMessage")
    assert record.params["chat_id"] == USER and record.params["text"] == "123"


async def test_json_bodies_are_accepted(emulator: BotApiEmulator) -> None:
    import httpx

    async with httpx.AsyncClient() as http:
        url = f"{emulator.base_url}{TOKEN}/sendMessage"
        reply = await http.post(url, json={"chat_id": USER, "text": "from curl"})
    assert reply.json()["result"]["text"] == "from curl"
