"""The last line of defence: log the failure (never the token) and reassure the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.telegram import texts
from bot.telegram.context import AttuneContext

logger = logging.getLogger(__name__)


async def on_error(update: object, context: AttuneContext) -> None:
    """No single update or tick may break the bot; the user hears something useful."""
    error = context.error
    if (reason := context.services.database_unavailable(error)) is not None:
        # Disk full, read-only, locked: nothing was committed, so what is due stays due.
        logger.error(
            "database unavailable (%s); scheduled work is kept and retried next tick", reason
        )
    elif update is None:
        logger.error("error in a scheduled job; it runs again next tick", exc_info=error)
    else:
        logger.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    try:
        await context.bot.send_message(update.effective_chat.id, texts.SOMETHING_WRONG)
    except TelegramError:
        logger.warning("could not tell the user about the error")
