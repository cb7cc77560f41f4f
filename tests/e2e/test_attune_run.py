"""`attune run` as a real process against a Bot API server reached over HTTP.

This is the production path: the console script, settings from the environment, and
``TELEGRAM_API_BASE_URL`` pointing at a server that speaks the Bot API.

The bot runs in another process, so no update queue can be joined to know it is done:
each gesture waits for the reply it must bring, re-checked whenever the emulator's state
changes.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from tests.e2e.harness import TOKEN, attune_command, find_button, spawn_attune, text_of

ANN = 5001
REPLY_WAIT = 20.0  # seconds; each wait ends on its event, this only bounds a hang


@pytest.fixture
async def server() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator(TOKEN)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


async def run_attune(
    emulator: BotApiEmulator, tmp_path: Path, tick_seconds: str = "0.5", database_url: str = ""
) -> asyncio.subprocess.Process:
    return await spawn_attune(
        emulator.port, tmp_path, database_url or f"sqlite:///{tmp_path / 'run.db'}",
        tick_seconds=tick_seconds, stderr=asyncio.subprocess.PIPE, ATTUNE_LOG_LEVEL="DEBUG",
    )  # fmt: skip


class Chat:
    """Ann's side of the chat; ``until`` waits for what the bot must do next."""

    def __init__(self, server: BotApiEmulator) -> None:
        self.server = server

    def texts(self) -> list[str]:
        return [text_of(m) for m in self.server.bot_messages(ANN)]

    def shows(self, fragment: str) -> Callable[[], bool]:
        return lambda: any(fragment in text for text in self.texts())

    def has_button(self, label: str) -> Callable[[], bool]:
        return lambda: any(
            label in button.get("text", "")
            for message in self.server.bot_messages(ANN)
            for row in message.buttons
            for button in row
        )

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait for ``condition``, then for the bot's requests in flight to end."""
        if not await self.server.world.changed.wait_for(condition, REPLY_WAIT):
            raise AssertionError(f"the bot did not answer as expected; it said {self.texts()}")
        await self.server.wait_until_delivered(timeout=REPLY_WAIT)

    async def say(self, text: str, until: Callable[[], bool]) -> None:
        self.server.send_message(ANN, text)
        await self.until(until)

    async def tap(self, label: str, until: Callable[[], bool]) -> None:
        self.server.press_button(ANN, *find_button(self.server, ANN, label))
        await self.until(until)


@pytest.mark.both_databases
async def test_attune_run_completes_onboarding_and_a_lesson(
    server: BotApiEmulator, tmp_path: Path, database_url: str
) -> None:
    process = await run_attune(server, tmp_path, database_url=database_url)
    try:
        server.add_user(ANN, "Ann")
        chat = Chat(server)
        await chat.until(lambda: bool(server.requests("getUpdates")))
        await chat.say("/start", until=chat.has_button("Cultural humility"))
        await chat.tap("Cultural humility", until=chat.has_button("✓ Cultural humility"))
        await chat.tap("Done", until=chat.shows("Step 2 of 4"))
        await chat.say("07:30", until=chat.shows("Step 3 of 4"))
        await chat.say("UTC", until=chat.shows("Step 4 of 4"))
        await chat.say("daily", until=chat.shows("Your first lesson arrives"))
        assert "Your first lesson arrives" in chat.texts()[-1]

        before = len(server.bot_messages(ANN))
        await chat.say("/today", until=lambda: len(server.polls()) == 2)
        lesson = server.bot_messages(ANN)[before:]
        assert "Try this:" in text_of(lesson[0]) and len(lesson) == 3
        for poll in server.polls():
            server.answer_poll(ANN, poll.id, [poll.correct_option_ids[0]])
        await chat.until(chat.shows("That's today done"))
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=20)
    log = err.decode()
    assert process.returncode == 0, log[-2000:]
    assert "Attune is running" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log


async def heartbeat_written(path: Path) -> None:
    """Poll the file system (it has no event to wait on) until ``path`` exists."""
    async with asyncio.timeout(REPLY_WAIT):
        while not await asyncio.to_thread(path.exists):  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_attune_health_follows_the_heartbeat(server: BotApiEmulator, tmp_path: Path) -> None:
    env = {**os.environ, "ATTUNE_HEARTBEAT_FILE": str(tmp_path / "heartbeat")}
    check = await asyncio.create_subprocess_exec(
        *attune_command(), "health", env=env, stdout=asyncio.subprocess.PIPE
    )
    assert await check.wait() == 1, "no heartbeat yet: unhealthy"
    process = await run_attune(server, tmp_path, tick_seconds="0.1")
    try:
        await heartbeat_written(tmp_path / "heartbeat")
        check = await asyncio.create_subprocess_exec(
            *attune_command(), "health", env=env, stdout=asyncio.subprocess.PIPE
        )
        assert await check.wait() == 0
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), timeout=20)
