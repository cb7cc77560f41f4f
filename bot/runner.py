"""``attune run``: the bot against Telegram (or any server that speaks the Bot API)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.clock import SystemClock
from bot.config import Settings, configure_logging
from bot.content.loader import ContentError
from bot.telegram.app import ALLOWED_UPDATES, build_application, build_services, stop_bot
from bot.telegram.context import AttuneApplication

logger = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    """Refuse to start on invalid lessons; otherwise poll until interrupted."""
    configure_logging(settings)
    try:
        services = build_services(settings, SystemClock())
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)  # noqa: T201
        print(f"attune: not starting: {error}", file=sys.stderr)  # noqa: T201
        return 1
    application = build_application(settings, services)
    logger.info(
        "Attune is running with %d lessons in %d tracks",
        len(services.library.lessons),
        len(services.library.tracks),
    )
    try:
        if settings.polling:
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
        else:
            asyncio.run(_run_without_updates(application))
    finally:
        services.db.dispose()
    return 0


async def _run_without_updates(application: AttuneApplication) -> None:
    """A further worker beside one that polls (Telegram allows one ``getUpdates``
    consumer): it runs the jobs, so it sends whenever it is the elected sender, until
    SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    logger.info("not fetching updates (ATTUNE_POLLING=0): sending only when elected")
    await application.initialize()
    await application.start()
    try:
        await stop.wait()
    finally:
        await stop_bot(application)
