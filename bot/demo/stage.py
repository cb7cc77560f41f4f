"""The stage every demo plays on: a local Bot API emulator, the real bot, a throwaway
database, and the clock they share.

The same ``Application`` as ``attune run`` talks HTTP to the emulator on 127.0.0.1, so
what the demo shows is what Telegram users would see.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.clock import OffsetClock
from bot.config import Secret, Settings
from bot.emulator import BotApiEmulator
from bot.services import Services
from bot.telegram.app import build_application, build_services, start_bot, stop_bot
from bot.telegram.context import AttuneApplication, AttuneContext
from bot.telegram.jobs import tick
from bot.telegram.sending import announcements as fanout

SETTLE_TIMEOUT = 30.0  # seconds; settling ends on events, this only bounds a hang


def demo_token() -> str:
    """A well-formed token that only the local emulator will ever see."""
    return f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(27)[:35]}"


@dataclass
class Stage:
    """The emulator, the running bot, its services and the clock they share."""

    emulator: BotApiEmulator
    application: AttuneApplication
    services: Services
    clock: OffsetClock

    async def handled(self) -> None:
        """The bot has fetched what people sent and its handlers are done."""
        await self.emulator.wait_until_delivered()
        await self.application.update_queue.join()

    async def settle(self) -> None:
        """Wait until the bot has handled every update so far and all it set off."""
        await settle(self.emulator, self.application)

    async def tick(self) -> None:
        """Run the delivery tick now, at the clock's time, and let its sends finish."""
        await tick(AttuneContext(self.application))
        await self.settle()


async def settle(emulator: BotApiEmulator, application: AttuneApplication) -> None:
    """Wait until the bot has handled every update so far and all it set off: handlers,
    announcement fan-outs, and the requests they left in flight.

    Each step waits for the event itself, never for a quiet spell: the emulator has
    delivered every update and holds no request; the update queue is joined (PTB marks an
    update done once its handlers return); the fan-outs have finished; then the requests
    they left in flight have ended. A round that saw a new update arrive (``leaveChat``
    sends the bot ``my_chat_member``, say) is followed by another.
    """
    updates = emulator.world.updates
    async with asyncio.timeout(SETTLE_TIMEOUT):
        while True:
            newest = updates.last_update_id
            await emulator.wait_until_delivered(timeout=SETTLE_TIMEOUT)
            await application.update_queue.join()
            if running := fanout.running():
                await asyncio.wait(running)
            await emulator.wait_until_delivered(timeout=SETTLE_TIMEOUT)
            if updates.last_update_id == newest and not fanout.running():
                return


@asynccontextmanager
async def stage(
    workdir: Path, lessons_dir: Path | None, clock: OffsetClock, *, tick_seconds: float
) -> AsyncIterator[Stage]:
    """Start the emulator and the bot on a database in ``workdir``; stop both after.

    Raises ``ContentError`` (before anything starts listening for long) when the lessons
    do not load.
    """
    with _quiet_logging(workdir / "demo.log"):
        async with _running(workdir, lessons_dir, clock, tick_seconds) as on:
            yield on


@asynccontextmanager
async def _running(
    workdir: Path, lessons_dir: Path | None, clock: OffsetClock, tick_seconds: float
) -> AsyncIterator[Stage]:
    token = demo_token()
    emulator = BotApiEmulator(token, clock=clock.now)
    await emulator.start()
    try:
        settings = Settings(
            token=Secret(token),
            database_url=f"sqlite:///{workdir / 'demo.db'}",
            api_base_url=emulator.base_url,
            lessons_dir=lessons_dir or Settings.lessons_dir_from_env(),
            tick_seconds=tick_seconds,
        )
        services = build_services(settings, clock)
        application = build_application(settings, services)
        await start_bot(application, poll_timeout=1)
        try:
            yield Stage(emulator, application, services, clock)
        finally:
            await stop_bot(application)
            services.db.dispose()
    finally:
        await emulator.stop()


@contextmanager
def _quiet_logging(path: Path) -> Iterator[None]:
    """Send logs to a file so they do not interleave with the chat; afterwards close it
    and put back what was there."""
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    before, level = root.handlers[:], root.level
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.handlers[:] = before
        root.setLevel(level)
        handler.close()
