"""``attune demo``: the real bot, a local Bot API emulator and a terminal chat.

For anyone without a Telegram token: the same ``Application`` as ``attune run`` talks
HTTP to an emulator on 127.0.0.1, with a throwaway database, and ``ff`` moves the clock
to the next scheduled lesson so a whole day can be tried in a minute.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from bot.clock import OffsetClock
from bot.config import Secret, Settings
from bot.content.loader import ContentError
from bot.emulator import BotApiEmulator
from bot.emulator.terminal import TerminalChat
from bot.services import Services
from bot.telegram import texts
from bot.telegram.app import (
    build_application,
    build_services,
    start_bot,
    stop_bot,
)
from bot.telegram.context import AttuneApplication, AttuneContext
from bot.telegram.jobs import tick

DEMO_USER_ID = 100_001


def demo_token() -> str:
    """A well-formed token that only the local emulator will ever see."""
    return f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(27)[:35]}"


def run_demo(
    first_name: str = "Sam",
    *,
    lessons_dir: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run the demo until the person types ``quit`` (or input ends)."""
    return asyncio.run(_demo(first_name, lessons_dir, stdin, stdout))


async def _demo(
    first_name: str, lessons_dir: Path | None, stdin: TextIO | None, stdout: TextIO | None
) -> int:
    out = stdout or sys.stdout
    with (
        tempfile.TemporaryDirectory(prefix="attune-demo-") as workdir,
        _quiet_logging(Path(workdir) / "demo.log"),
    ):
        clock, token = OffsetClock(), demo_token()
        emulator = BotApiEmulator(token, clock=clock.now)
        await emulator.start()
        try:
            settings = Settings(
                token=Secret(token),
                database_url=f"sqlite:///{Path(workdir) / 'demo.db'}",
                api_base_url=emulator.base_url,
                lessons_dir=lessons_dir or Settings.lessons_dir_from_env(),
                tick_seconds=1,
            )
            try:
                services = build_services(settings, clock)
            except ContentError as error:
                for problem in error.problems:
                    print(problem, file=out)
                print(f"attune demo: {error}", file=out)
                return 1
            application = build_application(settings, services)
            await start_bot(application, poll_timeout=1)
            try:
                emulator.add_user(DEMO_USER_ID, first_name)
                print(_INTRO, file=out)
                chat = TerminalChat(
                    emulator,
                    DEMO_USER_ID,
                    on_fast_forward=lambda: _fast_forward(application, services, clock),
                    stdin=stdin,
                    stdout=out,
                    settle=lambda: _handled(emulator, application),
                )
                await chat.run()
            finally:
                await stop_bot(application)
                services.db.dispose()
        finally:
            await emulator.stop()
    return 0


async def _fast_forward(
    application: AttuneApplication, services: Services, clock: OffsetClock
) -> str:
    """Jump the clock to the demo learner's next lesson and deliver it."""
    profile = services.learners.get(DEMO_USER_ID)
    if profile is None or profile.next_due_at is None or profile.zone is None:
        return "No lesson is scheduled yet: finish setting up first (send /start)."
    clock.jump_to(profile.next_due_at)
    await tick(AttuneContext(application))
    return f"It is now {texts.when(profile.next_due_at, profile.zone)} ({profile.zone})."


async def _handled(emulator: BotApiEmulator, application: AttuneApplication) -> None:
    """The bot has fetched what the person sent and its handlers are done."""
    await emulator.wait_until_delivered()
    await application.update_queue.join()


@contextmanager
def _quiet_logging(path: Path) -> Iterator[None]:
    """Send logs to a file so they do not interleave with the chat; afterwards close it
    (it lives in the demo's temporary directory) and put the logging back as it was."""
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        handler.close()


_INTRO = """\
Attune demo: you are chatting with the real bot through a local Telegram emulator.
Nothing leaves this machine, and the database is deleted when you quit.
Start with /start. Then: b N presses button N, p N answers a quiz with option N,
ff jumps to your next lesson, help shows this again, quit leaves.
Lessons on hard topics (the suicide-risk track, say) open with their content note first:
b 1 shows the lesson, b 2 skips it today.
"""
