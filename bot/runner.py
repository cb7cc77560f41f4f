"""``attune run``: the bot against Telegram (or any server that speaks the Bot API)."""

from __future__ import annotations

import logging
import sys

from bot.clock import SystemClock
from bot.config import Settings, configure_logging
from bot.content.loader import ContentError
from bot.telegram.app import ALLOWED_UPDATES, build_application, build_services

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
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        services.db.dispose()
    return 0
