"""Drive the real bot over HTTP through the Bot API emulator, as a clinician would.

``Harness`` starts the emulator and the bot with the same factory functions as
``attune run``, freezes time with a ``ManualClock``, and offers the gestures a learner
makes: send a message, tap a button by its label, answer the day's quiz.
``spawn_attune`` starts ``attune run`` as a process instead, for the tests of the
production entry point.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram.ext import CallbackContext

from bot.clock import ManualClock
from bot.config import Settings
from bot.demo.stage import SETTLE_TIMEOUT, settle
from bot.emulator import BotApiEmulator
from bot.emulator.models import StoredMessage
from bot.services import Services
from bot.telegram.app import (
    build_application,
    build_services,
    start_bot,
    stop_bot,
)
from bot.telegram.context import AttuneApplication, AttuneContext
from bot.telegram.jobs import tick

TOKEN = "123456789:AAHtestTOKENtestTOKENtestTOKEN12345"
LESSONS = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
LIBRARY = Path(__file__).resolve().parents[2] / "lessons"  # the shipped library


@dataclass
class Harness:
    """The emulator, the running bot, its services and the clock they share."""

    emulator: BotApiEmulator
    settings: Settings
    clock: ManualClock
    application: AttuneApplication | None = None
    services: Services | None = None
    errors: list[BaseException] = field(default_factory=list)

    async def start_bot(self) -> None:
        """Start (or restart) the bot process's work: new services, new Application."""
        self.services = build_services(self.settings, self.clock)
        self.application = build_application(self.settings, self.services)
        self.application.add_error_handler(self._record_error)
        await start_bot(self.application, poll_timeout=1)

    async def stop_bot(self) -> None:
        """Stop the bot as a shutdown would; the database stays."""
        if self.application is not None:
            await stop_bot(self.application)
        if self.services is not None:
            self.services.db.dispose()
        self.application = self.services = None

    async def restart(self) -> None:
        """Stop and start again on the same database."""
        await self.stop_bot()
        await self.start_bot()

    async def _record_error(
        self, update: object, context: CallbackContext[Any, Any, Any, Any]
    ) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    async def settle(self) -> None:
        """Wait until the bot has handled every update sent so far, and all it set off
        (``bot.demo.stage.settle``: each step waits for its event, never a quiet spell)."""
        if self.application is None:
            await self.emulator.wait_until_delivered(timeout=SETTLE_TIMEOUT)
            return
        await settle(self.emulator, self.application)

    # -- a learner's gestures ----------------------------------------------------------
    def user(self, user_id: int, first_name: str) -> int:
        """Create a Telegram user who can talk to the bot."""
        self.emulator.add_user(user_id, first_name)
        return user_id

    async def say(self, user_id: int, text: str) -> list[StoredMessage]:
        """Send ``text`` and return the bot messages it caused."""
        before = len(self.emulator.bot_messages(user_id))
        self.emulator.send_message(user_id, text)
        await self.settle()
        return self.emulator.bot_messages(user_id)[before:]

    async def tap(self, user_id: int, label: str) -> list[StoredMessage]:
        """Press the newest button whose label contains ``label``; return new bot messages."""
        return await self.press(user_id, *find_button(self.emulator, user_id, label))

    async def press(
        self, user_id: int, message_id: int, data: str, check: bool = True
    ) -> list[StoredMessage]:
        """Press a button by its callback data (``check=False`` forges it)."""
        before = len(self.emulator.bot_messages(user_id))
        self.emulator.press_button(user_id, message_id, data, check=check)
        await self.settle()
        return self.emulator.bot_messages(user_id)[before:]

    def open_polls(self, user_id: int) -> list[Any]:
        """Quiz polls in the user's chat that the user has not answered."""
        return [
            p for p in self.emulator.polls() if p.chat_id == user_id and user_id not in p.votes
        ]

    async def answer_quiz(self, user_id: int, correct: bool = True) -> list[StoredMessage]:
        """Answer every open quiz poll (rightly or wrongly); return new bot messages."""
        before = len(self.emulator.bot_messages(user_id))
        for poll in self.open_polls(user_id):
            right = poll.correct_option_ids[0]
            choice = right if correct else (right + 1) % len(poll.options)
            self.emulator.answer_poll(user_id, poll.id, [choice])
            await self.settle()
        return self.emulator.bot_messages(user_id)[before:]

    async def tick(self) -> None:
        """Run the delivery tick now, at the clock's current time."""
        assert self.application is not None
        await tick(AttuneContext(self.application))
        await self.settle()

    async def move_to(self, instant: datetime) -> None:
        """Set the clock and let the tick do what is due."""
        self.clock.set(instant)
        await self.tick()

    def texts(self, user_id: int) -> list[str]:
        """Every bot message in the chat as text (polls as their question)."""
        return [text_of(m) for m in self.emulator.bot_messages(user_id)]

    async def onboard(
        self,
        user_id: int,
        *,
        time: str = "07:30",
        zone: str = "Europe/Berlin",
        days: str = "daily",
    ) -> list[StoredMessage]:
        """Complete onboarding with typed answers; returns the final messages."""
        await self.say(user_id, "/start")
        await self.tap(user_id, "Cultural humility")
        await self.tap(user_id, "Done")
        await self.say(user_id, time)
        await self.say(user_id, zone)
        return await self.say(user_id, days)


def find_button(emulator: BotApiEmulator, user_id: int, label: str) -> tuple[int, str]:
    """The message id and callback data of the newest button whose label has ``label``."""
    for message in reversed(emulator.bot_messages(user_id)):
        for row in message.buttons:
            for button in row:
                if label in button.get("text", "") and "callback_data" in button:
                    return message.message_id, button["callback_data"]
    texts = [text_of(m) for m in emulator.bot_messages(user_id)]
    raise AssertionError(f"no button labelled {label!r} in {texts}")


def text_of(message: StoredMessage) -> str:
    """A message's readable text: text, caption, or the poll question."""
    if message.text is not None:
        return message.text
    if message.poll is not None:
        return f"[quiz] {message.poll['question']}"
    return message.caption or ""


# -- `attune run` as a process -----------------------------------------------------------
def attune_command() -> list[str]:
    """The installed console script, as the Dockerfile runs it."""
    script = shutil.which("attune", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "bot"]


async def spawn_attune(
    port: int, tmp: Path, database_url: str, *, tick_seconds: str, stderr: Any, **env: str
) -> asyncio.subprocess.Process:
    """``attune run`` against the Bot API on 127.0.0.1:``port``, configured by environment."""
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}",
        "ATTUNE_DATABASE_URL": database_url,
        "ATTUNE_LESSONS_DIR": str(LESSONS),
        "ATTUNE_HEARTBEAT_FILE": str(tmp / "heartbeat"),
        "ATTUNE_TICK_SECONDS": tick_seconds,
        **env,
    }
    return await asyncio.create_subprocess_exec(
        *attune_command(), "run", env=environment, cwd=tmp,
        stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
    )  # fmt: skip


@asynccontextmanager
async def serving(h: Harness) -> AsyncIterator[Harness]:
    """Start the bot of ``h``, hand it to the test, stop the bot and its emulator; a
    handler that raised fails the test. Shared by the polling and the worker harness."""
    try:
        await h.start_bot()
        yield h
    finally:
        await h.stop_bot()
        await h.emulator.stop()
    assert not h.errors, f"handlers raised: {h.errors!r}"
