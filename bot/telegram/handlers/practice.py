"""After the day's quiz: the practice ("I'll try it") and the reflection prompt; later,
the follow-up's answer and an optional note on how it went.

A reflection or a note is a typed answer (``routes.AwaitReflection``,
``routes.AwaitPracticeNote``) saved by ``journal.save``, so it passes the same checks as
every journal entry.
"""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.services.answers import DaySummary
from bot.telegram import keyboards, routes, texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_buttons
from bot.telegram.handlers import steps

OUTCOMES = {
    routes.Outcome.TRIED: ("tried", texts.TRIED_REPLY),
    routes.Outcome.NOT_YET: ("not_yet", texts.NOT_YET_REPLY),
    routes.Outcome.NO_FIT: ("no_fit", texts.NO_FIT_REPLY),
}


async def close_day(
    context: AttuneContext, chat_id: int, learner_id: int, summary: DaySummary
) -> None:
    """The close of the day with its practice offered, a finished track marked, then the
    reflection prompt."""
    closing = texts.day_complete(summary, learner_id)
    lesson = context.services.library.lessons.get(summary.lesson_id)
    if lesson is None or not summary.delivery_id:
        await steps.say(context, chat_id, closing)
        return
    offer = texts.practice_offer(lesson, context.services.practice.after)
    keyboard = keyboards.practice_offer_keyboard(summary.delivery_id)
    await steps.say(context, chat_id, f"{closing}\n\n{offer}", keyboard)
    finished = await context.read(
        context.services.progress.finished_track, learner_id, summary.delivery_id
    )
    if finished is not None:
        await steps.say(context, chat_id, texts.track_finished(finished))
    if lesson.reflect:
        reflect = keyboards.reflect_keyboard(summary.delivery_id)
        await steps.say(context, chat_id, texts.reflect_prompt(lesson), reflect)


async def on_button(update: Update, context: AttuneContext) -> None:
    """I'll try it; tried it / not yet / doesn't fit; skip the note; reflect or skip."""
    query = update.callback_query
    route = routes.decode(query.data if query else None)
    if query is None or route is None:
        return
    user_id = query.from_user.id
    if await context.read(context.services.learners.get, user_id) is None:
        await query.answer(texts.NEED_START)
        return
    match route:
        case routes.TryPractice(delivery_id):
            view = await context.write(context.services.practice.commit, user_id, delivery_id)
            await _settle(query, context, view is not None, texts.committed(view) if view else "")
        case routes.PracticeOutcome(outcome, delivery_id):
            await _answer_follow_up(query, context, outcome, delivery_id)
        case routes.SkipPracticeNote(delivery_id):
            await _stop_waiting(context, user_id, routes.AwaitPracticeNote(delivery_id))
            await _settle(query, context, True, texts.PRACTICE_NOTE_SKIPPED)
        case routes.Reflect(delivery_id, write=True):
            waiting = routes.awaiting_text(routes.AwaitReflection(delivery_id))
            await context.write(context.services.learners.expect, user_id, waiting)
            await _settle(query, context, True, texts.ASK_REFLECTION)
        case routes.Reflect(delivery_id, write=False):
            await _stop_waiting(context, user_id, routes.AwaitReflection(delivery_id))
            await query.answer(texts.SKIPPED)
            await steps.clear_buttons(query)


async def _answer_follow_up(
    query: CallbackQuery, context: AttuneContext, outcome: routes.Outcome, delivery_id: int
) -> None:
    """Store the answer; after "Tried it", offer a one-line note for the journal."""
    state, reply = OUTCOMES[outcome]
    user_id = query.from_user.id
    view = await context.write(context.services.practice.answer, user_id, delivery_id, state)
    if view is None:
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    await steps.clear_buttons(query)
    keyboard = None
    if outcome is routes.Outcome.TRIED:
        waiting = routes.awaiting_text(routes.AwaitPracticeNote(delivery_id))
        await context.write(context.services.learners.expect, user_id, waiting)
        keyboard = keyboards.skip_note_keyboard(delivery_id)
    await steps.say(context, user_id, reply, keyboard)


async def _settle(query: CallbackQuery, context: AttuneContext, ok: bool, text: str) -> None:
    """Answer the tap, take the buttons away and say ``text``; a stale tap gets a toast."""
    if not ok:
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    await steps.clear_buttons(query)
    await steps.say(context, query.from_user.id, text)


async def _stop_waiting(context: AttuneContext, user_id: int, waiting: routes.Awaiting) -> None:
    """Stop waiting for ``waiting`` (and only that: another step may be open)."""
    profile = await context.read(context.services.learners.get, user_id)
    if profile is not None and profile.pending_step == routes.awaiting_text(waiting):
        await context.write(context.services.learners.expect, user_id, None)


def register(application: AttuneApplication) -> None:
    """The practice and reflection buttons (typed notes arrive through the text fallback)."""
    add_buttons(
        application, on_button,
        routes.TryPractice, routes.PracticeOutcome, routes.SkipPracticeNote, routes.Reflect,
    )  # fmt: skip
