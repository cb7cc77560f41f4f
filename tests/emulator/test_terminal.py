"""The terminal chat used by ``attune demo``, fed from a script and read as a transcript."""

from __future__ import annotations

import asyncio
import io
import queue
from typing import Any

from bot.emulator import BotApiEmulator, EmulatorClient, StoredMessage
from bot.emulator.api_messages import new_bot_message
from bot.emulator.terminal import TerminalChat
from tests.emulator.support import USER, AnyApp, handled

SCRIPT = """help
/start
b 2
/quiz
p 1
b 9
ff
quit
"""


async def test_transcript(app: AnyApp, emulator: BotApiEmulator) -> None:
    out = io.StringIO()
    quits: list[bool] = []

    async def fast_forward() -> str:
        return "it is now tomorrow, 09:00"

    async def on_quit() -> None:
        quits.append(True)

    chat = TerminalChat(
        emulator,
        USER,
        fast_forward,
        on_quit,
        stdin=io.StringIO(SCRIPT),
        stdout=out,
        settle=lambda: handled(emulator, app),
    )
    await chat.run()
    transcript = out.getvalue()

    assert "b N      press button N" in transcript
    assert (
        "you> /start\nbot #2: Pick a topic:\n    [1] Trauma-informed care  [2] Burnout prevention"
        in (transcript)
    )
    assert "(you pressed: Burnout prevention)" in transcript
    assert "bot #2 (edited): You chose burnout." in transcript
    assert "[Quiz] Which is a grounding technique?\n      1) 5-4-3-2-1 senses" in transcript
    assert "(you answered: 5-4-3-2-1 senses)" in transcript
    assert "(!) no message with buttons" in transcript
    assert "(fast-forward) it is now tomorrow, 09:00" in transcript
    assert quits == [True]
    assert emulator.poll(emulator.polls()[0].id).votes == {USER: [0]}


async def test_terminal_over_http_shows_files(emulator: BotApiEmulator) -> None:
    emulator.add_user(9, "Dee")
    out = io.StringIO()
    async with EmulatorClient(emulator.control_url) as client:
        chat = TerminalChat(client, 9, stdin=io.StringIO("b 1\n"), stdout=out, reply_wait=0.2)
        new_bot_message(emulator.world, 9, document={"file_name": "guide.pdf"}, caption="Read")
        await chat.run()
    assert "bot #1: [file: guide.pdf]\n    Read" in out.getvalue()


class SlowInput(io.StringIO):
    """stdin that blocks like a person thinking, until the test hands it a line."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: queue.Queue[str] = queue.Queue()

    def readline(self, size: int | None = -1) -> str:
        return self.lines.get(timeout=5)


class Transcript(io.StringIO):
    """stdout that can be awaited until it shows a text."""

    def __init__(self) -> None:
        super().__init__()
        self.written = asyncio.Event()

    def write(self, text: str) -> int:
        self.written.set()
        return super().write(text)

    async def shows(self, text: str) -> None:
        while text not in self.getvalue():
            self.written.clear()
            await self.written.wait()


class Watched:
    """The emulator, noting when the terminal starts watching for the bot's messages."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator
        self.watching = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.emulator, name)

    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5,  # noqa: ASYNC109 (the emulator's signature)
    ) -> list[StoredMessage]:
        self.watching.set()
        return await self.emulator.wait_for_bot_messages(chat_id, count, timeout)


async def test_spontaneous_messages_appear_while_waiting(emulator: BotApiEmulator) -> None:
    out, stdin, backend = Transcript(), SlowInput(), Watched(emulator)
    running = asyncio.ensure_future(TerminalChat(backend, USER, stdin=stdin, stdout=out).run())  # type: ignore[arg-type]
    await asyncio.wait_for(backend.watching.wait(), 5)

    new_bot_message(emulator.world, USER, text="Your daily lesson is ready")
    await asyncio.wait_for(out.shows("Your daily lesson"), 5)
    stdin.lines.put("quit\n")
    await running

    assert "you> \nbot #1: Your daily lesson is ready\nyou> " in out.getvalue()
