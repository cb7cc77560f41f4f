"""Sending review questions: a short header, then the polls, each recorded once sent.

The items were marked asked when the block was claimed (``bot.services.reviews``), so a
failure or a crash part-way loses the rest of the block for today and never repeats a
poll: at most once, like a lesson's parts. Review polls carry no part numbers and never
touch the delivery, so they cannot change what completes a day.
"""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot.learning import shuffle
from bot.services.delivery import Outgoing
from bot.services.reviews import ReviewBlock, SentReview
from bot.telegram import texts
from bot.telegram.context import AttuneContext
from bot.telegram.sending.group_commit import GroupCommit
from bot.telegram.sending.quiz import send_quiz

logger = logging.getLogger(__name__)

Journal = GroupCommit[SentReview]


async def send_reviews(
    context: AttuneContext, block: ReviewBlock, header: str, journal: Journal | None = None
) -> None:
    """Send ``header`` and the block's polls; stop quietly at the first failure."""
    journal = journal or GroupCommit(context.services.reviews.record_sent)
    bot, chat_id = context.bot, block.chat_id
    try:
        await bot.send_message(chat_id, header)
        for review in block.questions:
            poll_id, key = await send_quiz(bot, chat_id, review.question, review.order)
            sent = SentReview(
                poll_id, review.item_id, block.learner_id, key, shuffle.encode(review.order)
            )
            await journal.record(sent)
    except TelegramError as error:
        logger.warning("review for learner %s stopped (%s); not resent", block.learner_id, error)


async def after_lesson(
    context: AttuneContext, block: ReviewBlock | None, journal: Journal | None = None
) -> None:
    """The "Quick review" that follows a day's lesson, if anything was due."""
    if block is not None and block.questions:
        await send_reviews(context, block, texts.quick_review(len(block.questions)), journal)


async def after_claimed_lesson(context: AttuneContext, outgoing: Outgoing) -> None:
    """Claim and send the reviews after one lesson sent outside the tick (/today).

    Not under a content note: the learner has not chosen to open that lesson yet.
    """
    if outgoing.note_first:
        return
    services = context.services
    blocks = await context.write(
        services.reviews.after_lessons, [(outgoing.learner_id, outgoing.lesson.id)]
    )
    await after_lesson(context, blocks.get(outgoing.learner_id))
