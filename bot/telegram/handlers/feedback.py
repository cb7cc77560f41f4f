"""/feedback: report an error in a lesson; the operators get the lesson id and the words.

Typed with the command (``/feedback the source link is broken``) or as the next message.
Like every free text, a report is checked for distress first.
"""

from __future__ import annotations

from telegram import Update

from bot.telegram import routes, texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_commands
from bot.telegram.handlers import steps
from bot.telegram.handlers.safety import answered_distress


async def feedback(update: Update, context: AttuneContext) -> None:
    """``/feedback [words]``: send now, or wait for the words in the next message."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    learners = context.services.learners
    profile = await context.read(learners.get, user.id)
    if profile is None:
        await message.reply_text(texts.NEED_START)
        return
    words = " ".join(context.args or [])
    if not words:
        await context.write(learners.expect, user.id, routes.awaiting_text(routes.AwaitFeedback()))
        await message.reply_text(texts.ASK_FEEDBACK)
        return
    if not await answered_distress(message, context, words, profile.zone):
        await send_feedback(context, message.chat_id, user.id, words)


async def send_feedback(context: AttuneContext, chat_id: int, user_id: int, words: str) -> None:
    """Pass the report to every operator and thank the learner."""
    await context.write(context.services.learners.expect, user_id, None)
    report = await context.read(context.services.feedback.report, user_id, words)
    if not report.operators:
        await steps.say(context, chat_id, texts.FEEDBACK_NOWHERE)
        return
    for operator in sorted(report.operators):
        await steps.say(context, operator, texts.feedback_for_operators(report))
    await steps.say(context, chat_id, texts.feedback_thanks(report))


def register(application: AttuneApplication) -> None:
    """The /feedback command (the typed follow-up arrives through the text fallback)."""
    add_commands(application, {"feedback": feedback})
