"""/journal: short private notes, checked before they are kept.

``/journal`` lists the newest entries and waits for a new one as the next message;
``/journal words`` saves the words at once; ``/journal keep 90`` (or ``keep off``) sets how
long entries stay. A reflection on a lesson and a note on how a practice went arrive
through the same ``save`` as a typed answer, so every entry passes the same checks:
distress gets the crisis resources and nothing is saved; anything that looks like a
client identifier is named back and nothing is saved until the learner sends it without.
"""

from __future__ import annotations

from telegram import Update

from bot.learning.numbers import is_digits
from bot.services.journal import MAX_KEEP_DAYS, JournalProblem
from bot.telegram import routes, texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_commands
from bot.telegram.handlers import steps
from bot.telegram.handlers.safety import answered_distress

KIND_OF = {
    routes.AwaitJournal: "note",
    routes.AwaitReflection: "reflection",
    routes.AwaitPracticeNote: "practice",
}


async def journal(update: Update, context: AttuneContext) -> None:
    """``/journal [keep N|off | words]``: list and ask, set the keeping, or save."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    profile = await context.read(context.services.learners.get, user.id)
    if profile is None:
        await message.reply_text(texts.NEED_START)
        return
    args = context.args or []
    if args and args[0].lower() == "keep":
        await _keep(context, message.chat_id, user.id, args[1:])
        return
    if args:
        words = " ".join(args)
        if not await answered_distress(message, context, words, profile.zone):
            await save(context, message.chat_id, user.id, routes.AwaitJournal(), words)
        return
    view = await context.read(context.services.journal.recent, user.id)
    await context.write(context.services.learners.expect, user.id, routes.JOURNAL)
    listing = texts.journal_listing(view) if view is not None else texts.JOURNAL_EMPTY
    await message.reply_text(f"{listing}\n\n{texts.ASK_JOURNAL}")


async def _keep(context: AttuneContext, chat_id: int, user_id: int, args: list[str]) -> None:
    """``keep 90`` or ``keep off``; anything else gets the usage."""
    choice = args[0].lower() if len(args) == 1 else ""
    days: int | None
    if choice == "off":
        days = None
    elif is_digits(choice) and len(choice) <= 4 and 1 <= int(choice) <= MAX_KEEP_DAYS:
        days = int(choice)
    else:
        await steps.say(context, chat_id, texts.JOURNAL_KEEP_USAGE)
        return
    kept = await context.write(context.services.journal.keep, user_id, days)
    await steps.say(context, chat_id, texts.keep_set(kept))


async def save(
    context: AttuneContext,
    chat_id: int,
    user_id: int,
    waiting: routes.AwaitJournal | routes.AwaitReflection | routes.AwaitPracticeNote,
    text: str,
) -> None:
    """Save a checked entry; on a refusal keep waiting, so the next message is the retry.

    Distress was answered before this is called (nothing typed in distress gets here).
    """
    learners, journal = context.services.learners, context.services.journal
    delivery_id = None if isinstance(waiting, routes.AwaitJournal) else waiting.delivery_id
    try:
        entry = await context.write(
            journal.write, user_id, text, kind=KIND_OF[type(waiting)], delivery_id=delivery_id
        )
    except JournalProblem as problem:
        # Distress ends the wait: the next message must not be filed away unread.
        still = None if problem.code == "distress" else routes.awaiting_text(waiting)
        await context.write(learners.expect, user_id, still)
        await steps.say(context, chat_id, await _refusal(context, user_id, problem))
        return
    await context.write(learners.expect, user_id, None)
    await steps.say(context, chat_id, texts.journal_saved(entry))


async def _refusal(context: AttuneContext, user_id: int, problem: JournalProblem) -> str:
    """Why nothing was saved, in the learner's terms."""
    if problem.code == "distress":  # callers answer distress first; this is the backstop
        profile = await context.read(context.services.learners.get, user_id)
        safety = context.services.safety
        return texts.crisis_reply(safety.resources_for_zone(profile.zone if profile else None))
    if problem.code == "identifiers":
        return texts.journal_refused(problem.findings)
    if problem.code == "too_long":
        return texts.JOURNAL_TOO_LONG
    return texts.JOURNAL_EMPTY_NOTE


def register(application: AttuneApplication) -> None:
    """The /journal command (typed entries arrive through the text fallback)."""
    add_commands(application, {"journal": journal})
