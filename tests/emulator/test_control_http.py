"""The control API over HTTP (``EmulatorClient``) drives a bot exactly like the Python API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.emulator import BotApiEmulator, EmulatorClient, EmulatorError
from tests.emulator.support import USER, AnyApp, handled


@pytest.fixture
async def client(emulator: BotApiEmulator) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emulator.control_url) as control:
        yield control


async def test_drive_application_over_http(app: AnyApp, client: EmulatorClient) -> None:
    await client.add_user(7, "Cleo", "cleo")
    sent = await client.send_message(7, "/start")
    assert sent.entities[0]["type"] == "bot_command"

    [menu] = await client.wait_for_bot_messages(7, 1)
    await client.press_button(7, menu.message_id, "topic:trauma")
    await handled(client, app)

    last = await client.last_bot_message(7)
    assert last is not None and last.text == "You chose trauma."
    assert [a.text for a in await client.callback_answers()] == ["Saved trauma"]
    assert any(r.method == "answerCallbackQuery" for r in await client.requests())


async def test_checks_and_timeouts_cross_http(client: EmulatorClient, bot: Bot) -> None:
    menu = await bot.send_message(USER, "hi")
    with pytest.raises(EmulatorError, match="no button"):
        await client.press_button(USER, menu.message_id, "forged")
    await client.press_button(USER, menu.message_id, "forged", check=False)
    with pytest.raises(EmulatorError, match="never sent poll"):
        await client.answer_poll(USER, "nope", [0])
    forged = await client.answer_poll(USER, "nope", [0], force=True)
    assert forged is not None and forged["poll_answer"]["option_persistent_ids"] == ["nope-0"]
    with pytest.raises(TimeoutError, match="wanted 5"):
        await client.wait_for_bot_messages(USER, 5, timeout=0.2)


async def test_faults_and_pause_over_http(client: EmulatorClient, bot: Bot) -> None:
    await client.add_fault("sendMessage", chat_id=USER, status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USER, "hi")
    await client.pause(seconds=0.3)
    assert (await client.info())["paused"]
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "hi")
    await client.resume()
    await bot.send_message(USER, "back")
    assert [m.text for m in await client.bot_messages(USER)] == ["back"]


async def test_groups(client: EmulatorClient, bot: Bot, emulator: BotApiEmulator) -> None:
    await client.create_group(-5, "Clinic", [USER], bot_is_member=False)
    with pytest.raises(Exception, match="(?i)not a member"):
        await bot.send_message(-5, "hi")
    update = await client.add_bot_to_group(-5, USER)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "member"
    await bot.send_message(-5, "hello group")
    message = await client.send_message(USER, "/start@attune_demo_bot", chat_id=-5)
    assert message.entities[0]["length"] == len("/start@attune_demo_bot")
    await client.delete_chat(-5)
    with pytest.raises(Exception, match="(?i)chat not found"):
        await bot.send_message(-5, "hi")
