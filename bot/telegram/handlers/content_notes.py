"""A sensitive lesson's content note: "Show the lesson" sends it, "Skip today" rests it.

The choice is made by ``Deliveries.choose`` (the rules are in
``bot.learning.content_notes``); this answers the press and sends what follows.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import TelegramError

from bot.learning.content_notes import NoteOutcome
from bot.telegram import routes, texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_buttons
from bot.telegram.sending.lessons import send_outgoing

logger = logging.getLogger(__name__)

TOASTS = {
    NoteOutcome.ALREADY_SHOWN: texts.NOTE_ALREADY_SHOWN,
    NoteOutcome.ALREADY_SKIPPED: texts.NOTE_ALREADY_SKIPPED,
    NoteOutcome.DAY_OVER: texts.NOTE_DAY_OVER,
    NoteOutcome.NOT_YET: texts.NOTE_NOT_YET,
}


async def on_choice(update: Update, context: AttuneContext) -> None:
    """Show the lesson and its quiz, or skip it today; a second press says what happened."""
    query = update.callback_query
    route = routes.decode(query.data) if query is not None else None
    if query is None or not isinstance(route, routes.NoteChoice):
        return
    deliveries = context.services.deliveries
    # Showing makes this worker the delivery's sender in the same write, so no tick (of
    # any worker) resumes it while the lesson goes out from here.
    answer = await context.write(
        deliveries.choose, query.from_user.id, route.delivery_id, show=route.show
    )
    if answer.outcome not in (NoteOutcome.SHOWN, NoteOutcome.SKIPPED):
        await query.answer(TOASTS.get(answer.outcome, texts.STALE_BUTTON))
        return
    await query.answer()
    await _close(query)
    if answer.outgoing is not None:
        await send_outgoing(context, answer.outgoing)
    elif query.message is not None:
        await context.bot.send_message(query.message.chat.id, texts.NOTE_SKIPPED)


async def _close(query: CallbackQuery) -> None:
    """Take the buttons off the note; the choice is made even if Telegram refuses."""
    try:
        await query.edit_message_reply_markup(None)
    except TelegramError as error:
        logger.info("could not close a content note's buttons: %s", error.message)


def register(application: AttuneApplication) -> None:
    """The two buttons under a content note."""
    add_buttons(application, on_choice, routes.NoteChoice)
