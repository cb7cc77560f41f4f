"""Quiz answers: store them and, when the day is complete, say so warmly."""

from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.ext import PollAnswerHandler

from bot.telegram.context import AttuneApplication, AttuneContext
from bot.telegram.handlers import practice
from bot.telegram.writes import short_write


async def on_poll_answer(update: Update, context: AttuneContext) -> None:
    """Record an answer; answers to polls we never sent are ignored silently."""
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return
    services = context.services
    record = partial(
        services.answers.record, answer.poll_id, answer.user.id, list(answer.option_ids)
    )
    result = await short_write(services.db, record)
    if result.completed is not None and result.chat_id is not None:
        await practice.close_day(context, result.chat_id, answer.user.id, result.completed)


def register(application: AttuneApplication) -> None:
    """Votes on the quiz polls."""
    application.add_handler(PollAnswerHandler(on_poll_answer))
