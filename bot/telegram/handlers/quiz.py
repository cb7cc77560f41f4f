"""Quiz answers: store them and, when the day is complete, say so warmly.

A vote on a review poll is not a lesson answer: it reschedules that question's review
(``services.reviews``) and says nothing (Telegram already shows right or wrong and the
explanation).
"""

from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.ext import PollAnswerHandler

from bot.services.answers import AnswerStatus
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
    with context.metrics.answer_latency.time():
        result = await short_write(services.db, record)
        if result.status is AnswerStatus.UNKNOWN:
            review = partial(
                services.reviews.answer, answer.poll_id, answer.user.id, list(answer.option_ids)
            )
            await short_write(services.db, review)
            return
        if result.completed is not None and result.chat_id is not None:
            await practice.close_day(context, result.chat_id, answer.user.id, result.completed)


def register(application: AttuneApplication) -> None:
    """Votes on the quiz polls."""
    application.add_handler(PollAnswerHandler(on_poll_answer))
