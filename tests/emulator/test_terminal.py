"""The terminal chat used by ``attune demo``, fed from a script and read as a transcript."""

from __future__ import annotations

import asyncio
import io
import queue

from bot.emulator import BotApiEmulator, EmulatorClient
from bot.emulator.api_messages import new_bot_message
from bot.emulator.terminal import TerminalChat
from tests.emulator.support import USER, AnyApp

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
        emulator, USER, fast_forward, on_quit, stdin=io.StringIO(SCRIPT), stdout=out
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


async def test_spontaneous_messages_appear_while_waiting(emulator: BotApiEmulator) -> None:
    out, stdin = io.StringIO(), SlowInput()
    running = asyncio.ensure_future(TerminalChat(emulator, USER, stdin=stdin, stdout=out).run())
    await asyncio.sleep(0.1)

    new_bot_message(emulator.world, USER, text="Your daily lesson is ready")
    for _ in range(50):
        if "Your daily lesson" in out.getvalue():
            break
        await asyncio.sleep(0.02)
    stdin.lines.put("quit\n")
    await running

    assert "you> \nbot #1: Your daily lesson is ready\nyou> " in out.getvalue()
