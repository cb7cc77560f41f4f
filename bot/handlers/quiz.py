"""Quiz answers: store them and, when the day is complete, say so warmly."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ParseMode

from bot import texts
from bot.handlers.context import AttuneContext


async def on_poll_answer(update: Update, context: AttuneContext) -> None:
    """Record an answer; answers to polls we never sent are ignored silently."""
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return
    result = await asyncio.to_thread(
        context.services.answers.record, answer.poll_id, answer.user.id, list(answer.option_ids)
    )
    if result.completed is not None and result.chat_id is not None:
        await context.bot.send_message(
            result.chat_id, texts.day_complete(result.completed), parse_mode=ParseMode.HTML
        )
