"""``attune run``: the bot against Telegram (or any server that speaks the Bot API)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.clock import SystemClock
from bot.config import Settings, configure_logging
from bot.content.loader import ContentError
from bot.telegram.app import ALLOWED_UPDATES, build_application, build_services
from bot.telegram.worker import Worker

logger = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    """Refuse to start on invalid lessons; otherwise poll (or serve the webhook, with
    ``ATTUNE_WEBHOOK_URL``) until interrupted."""
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
        if settings.serves_http or not settings.polling:
            asyncio.run(_serve(Worker(application, settings)))
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        services.db.dispose()
    return 0


async def _serve(worker: Worker) -> None:
    """Run a worker with its HTTP server until SIGINT or SIGTERM, then stop it cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await worker.start()
    try:
        await stop.wait()
    finally:
        await worker.stop()
