"""The terminal chat used by ``attune demo``, fed from a script and read as a transcript."""

from __future__ import annotations

import asyncio
import io
import queue
from pathlib import Path
from typing import Any

from bot.emulator import BotApiEmulator, EmulatorClient, StoredMessage
from bot.emulator.api_messages import new_bot_message
from bot.emulator.models import StoredFile
from bot.emulator.terminal import TerminalChat
from bot.emulator.terminal_seats import Seat
from tests.emulator.support import OTHER_USER, USER, AnyApp, handled

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

    async def fast_forward(how_far: str) -> str:
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
    assert "(you pressed: Burnout prevention)\n(toast: Saved burnout)\n" in transcript
    assert "bot #2 (edited): You chose burnout." in transcript
    assert "[Quiz] Which is a grounding technique?\n      1) 5-4-3-2-1 senses" in transcript
    assert (
        "(you answered: 5-4-3-2-1 senses)\n    ✅ Right.\n"
        "    💡 Naming what you sense anchors you in the present.\n"
    ) in transcript
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


def sent_file(emulator: BotApiEmulator, kind: str, name: str, data: bytes) -> StoredFile:
    """A file the bot has uploaded, as sendDocument / sendPhoto keep it."""
    stored = StoredFile(f"F-{name}", f"U-{name}", kind, name, None, len(data), data)
    emulator.world.files[stored.file_id] = stored
    return stored


async def test_files_and_pictures_are_saved_where_they_can_be_opened(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    emulator.add_user(9, "Dee")
    report = sent_file(emulator, "document", "team report.csv", b"member,done\nAnn,3\n")
    chart = sent_file(emulator, "photo", "chart.png", b"\x89PNG\r\n\x1a\n" + bytes(20))
    new_bot_message(emulator.world, 9, document=report.to_api(), caption="Your export")
    new_bot_message(emulator.world, 9, document=report.to_api())
    new_bot_message(emulator.world, 9, photo=[chart.to_api()], caption="The week")
    out = io.StringIO()
    async with EmulatorClient(emulator.control_url) as client:
        chat = TerminalChat(client, 9, stdin=io.StringIO(""), stdout=out, files=tmp_path)
        await chat.run()

    transcript = out.getvalue()
    assert f"bot #1: [file: team report.csv] saved as {tmp_path / 'team-report.csv'}" in transcript
    assert f"[file: team report.csv] saved as {tmp_path / 'team-report-2.csv'}" in transcript
    assert f"bot #3: [photo] saved as {tmp_path / 'photo-3.png'}\n    The week" in transcript
    assert (tmp_path / "team-report.csv").read_bytes() == b"member,done\nAnn,3\n"
    assert (tmp_path / "photo-3.png").read_bytes().startswith(b"\x89PNG")


async def test_a_wrong_answer_shows_the_right_one(app: AnyApp, emulator: BotApiEmulator) -> None:
    out = io.StringIO()
    script = io.StringIO("/quiz\np 2\nquit\n")
    chat = TerminalChat(
        emulator, USER, stdin=script, stdout=out, settle=lambda: handled(emulator, app)
    )
    await chat.run()
    assert (
        "(you answered: Skipping lunch)\n    ❌ Not quite. The answer: 5-4-3-2-1 senses\n"
        "    💡 Naming what you sense"
    ) in out.getvalue()


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


async def test_switching_seats_between_people_and_a_group(
    app: AnyApp, emulator: BotApiEmulator
) -> None:
    emulator.create_group(-5, "Staff room", [USER, OTHER_USER])
    new_bot_message(emulator.world, OTHER_USER, text="Ben's lesson")
    new_bot_message(emulator.world, -5, text="Evening digest")
    seats = [Seat("Ann", USER, "facilitator"), Seat("Ben", OTHER_USER), Seat("Staff room", -5)]
    script = "as\nas ben\n/quiz\np 1\nas bob\nin group\nas Ann\nin ben\nquit\n"
    out = io.StringIO()
    chat = TerminalChat(
        emulator,
        USER,
        stdin=io.StringIO(script),
        stdout=out,
        settle=lambda: handled(emulator, app),
        seats=seats,
    )
    await chat.run()

    transcript = out.getvalue()
    assert "ann> as\nPeople and chats" in transcript
    assert "  * Ann: facilitator <- you are here\n    Ben\n    Staff room\n" in transcript
    assert (
        "(you are now Ben; this is Ben's chat with the bot)\nbot #1: Ben's lesson\nben> "
        in transcript
    )
    assert "ben> p 1\n(you answered: 5-4-3-2-1 senses)" in transcript
    assert emulator.poll(emulator.polls()[0].id).votes == {OTHER_USER: [0]}
    assert "(!) nobody called 'bob' here" in transcript
    assert "(in Staff room, typing as Ben)\nbot #1: Evening digest\nben@group> " in transcript
    assert "ann> in ben\n(!) 'in' opens a group chat" in transcript


async def test_reactions_show_on_the_message(emulator: BotApiEmulator) -> None:
    new_bot_message(emulator.world, USER, text="📣 Staff room · announcement")
    update = emulator.react(USER, 1, "👍")
    assert update["message_reaction"]["new_reaction"] == [{"type": "emoji", "emoji": "👍"}]
    out = io.StringIO()
    await TerminalChat(emulator, USER, stdin=io.StringIO(""), stdout=out).run()
    assert "bot #1: 📣 Staff room · announcement\n    [reactions: 👍]" in out.getvalue()
