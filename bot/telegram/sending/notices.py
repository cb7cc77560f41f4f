"""Short notices to many chats (a challenge summary, a closed team): one chat that is
gone or has blocked the bot must not stop the others."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.telegram.context import AttuneContext

logger = logging.getLogger(__name__)


async def post(
    context: AttuneContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send one notice (with buttons, if any); a failure is logged, never raised."""
    try:
        await context.bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramError as error:
        logger.warning("could not post to chat %s: %s", chat_id, error)
