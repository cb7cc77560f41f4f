"""``attune demo``: one person chatting with the real bot in a terminal.

For anyone without a Telegram token: ``ff`` moves the clock to the next scheduled lesson
so a whole day can be tried in a minute.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TextIO

from bot.demo.stage import Stage
from bot.emulator.terminal import TerminalChat
from bot.telegram import texts

DEMO_USER_ID = 100_001


async def play_solo(
    stage: Stage, first_name: str, stdin: TextIO | None, out: TextIO, files: Path
) -> None:
    """The person chats until ``quit`` (or input ends)."""
    stage.emulator.add_user(DEMO_USER_ID, first_name)
    print(INTRO.format(files=files), file=out)
    chat = TerminalChat(
        stage.emulator,
        DEMO_USER_ID,
        on_fast_forward=lambda _: fast_forward(stage),
        stdin=stdin,
        stdout=out,
        settle=stage.handled,
        files=files,
    )
    await chat.run()


async def fast_forward(stage: Stage) -> str:
    """Jump the clock to the demo learner's next lesson and deliver it."""
    profile = stage.services.learners.get(DEMO_USER_ID)
    if profile is None or profile.next_due_at is None or profile.zone is None:
        return "No lesson is scheduled yet: finish setting up first (send /start)."
    stage.clock.jump_to(profile.next_due_at)
    await stage.tick()
    return f"It is now {texts.when(profile.next_due_at, profile.zone)} ({profile.zone})."


def files_folder(files: Path | None) -> Path:
    """Where the bot's files and pictures are saved: ``files``, or a new temp folder
    that outlives the demo so an export can still be opened afterwards."""
    return files or Path(tempfile.mkdtemp(prefix="attune-demo-files-"))


INTRO = """\
Attune demo: you are chatting with the real bot through a local Telegram emulator.
Nothing leaves this machine, and the database is deleted when you quit.
Start with /start. Then: b N presses button N, p N answers a quiz with option N,
ff jumps to your next lesson, help shows this again, quit leaves.
Lessons on hard topics (the suicide-risk track, say) open with their content note first:
b 1 shows the lesson, b 2 skips it today.
Files and pictures the bot sends you are saved in {files}
"""
