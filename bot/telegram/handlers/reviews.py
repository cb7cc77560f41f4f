"""/review: the questions due for review now, or when the next one is due."""

from __future__ import annotations

from telegram import Update

from bot.services.reviews import NothingDue
from bot.telegram import texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_commands
from bot.telegram.sending.reviews import send_reviews


async def review(update: Update, context: AttuneContext) -> None:
    """Up to five due questions as quiz polls, or a kind word on when the next is due."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    found = await context.write(context.services.reviews.now_for, user.id)
    if found is None:
        await message.reply_text(texts.NEED_START)
    elif isinstance(found, NothingDue):
        await message.reply_text(texts.nothing_due(found.next_due, found.zone, found.today))
    else:
        await send_reviews(context, found, texts.review_now(len(found.questions)))


def register(application: AttuneApplication) -> None:
    """The /review command."""
    add_commands(application, {"review": review})
