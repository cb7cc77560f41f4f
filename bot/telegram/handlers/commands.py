"""The learner's commands: settings shortcuts, /today, /progress, pause, stop, help."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from telegram import Update

from bot.charts.calendar import calendar_png
from bot.learning.numbers import is_digits
from bot.telegram import keyboards, routes, texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_buttons, add_commands
from bot.telegram.handlers import announcements, steps
from bot.telegram.handlers.onboarding import answer_setting
from bot.telegram.handlers.safety import answered_distress
from bot.telegram.sending import reviews
from bot.telegram.sending.lessons import send_outgoing

T = TypeVar("T")
SETTING_COMMANDS = {"time": "time", "timezone": "zone", "days": "days", "tracks": "tracks"}


async def _reply(update: Update, text: str, **kwargs: object) -> None:
    if update.effective_message is not None:
        # The type: ignore below: kwargs are PTB's own keyword arguments, typed object here.
        await update.effective_message.reply_text(text, **kwargs)  # type: ignore[arg-type]


async def setting(update: Update, context: AttuneContext) -> None:
    """/time 07:30, /timezone Europe/Berlin, /days weekdays, /tracks: set one choice.

    With no argument, the same buttons as onboarding are shown.
    """
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    step = SETTING_COMMANDS[command]
    learners = context.services.learners
    profile = await context.read(learners.get, user.id)
    if profile is None:
        await _reply(update, texts.NEED_START)
        return
    argument = " ".join(context.args or [])
    if not argument or step == "tracks":
        profile = await context.write(learners.expect, user.id, step) or profile
        await steps.ask(context, message.chat_id, profile, step)
        return
    if len(argument) > 200:
        await _reply(update, texts.TOO_LONG)
        return
    await answer_setting(context, message.chat_id, user.id, step, argument)


async def settings(update: Update, context: AttuneContext) -> None:
    """Show every choice, with a button to change each."""
    user = update.effective_user
    profile = await context.read(context.services.learners.get, user.id) if user else None
    if profile is None:
        await _reply(update, texts.NEED_START)
        return
    summary = texts.settings_summary(profile, steps.track_titles(context))
    await _reply(update, summary, reply_markup=keyboards.settings_keyboard())


async def today(update: Update, context: AttuneContext) -> None:
    """Send today's lesson now, or show it again (only unanswered questions return)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    if await context.read(context.services.learners.get, user.id) is None:
        await _reply(update, texts.NEED_START)
        return
    found = await context.write(context.services.deliveries.today, user.id)
    if found is None:
        await _reply(update, texts.NOT_SET_UP)
        return
    outgoing, already_sent = found
    sent = await send_outgoing(context, outgoing)
    if sent and not already_sent:
        await reviews.after_claimed_lesson(context, outgoing)
    if already_sent and len(outgoing.answered) == len(outgoing.lesson.questions):
        await _reply(update, texts.ALREADY_DONE_TODAY)


async def lesson_again(update: Update, context: AttuneContext) -> None:
    """The button under the note after a crash: the same as /today."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await today(update, context)


async def _for_learner(
    update: Update,
    context: AttuneContext,
    produce: Callable[[int], T | None],
    render: Callable[[T], str],
) -> None:
    """Call one service (a read) for the sender and reply, or point a stranger to /start."""
    user = update.effective_user
    result = await context.read(produce, user.id) if user else None
    await _reply(update, render(result) if result is not None else texts.NEED_START)


async def progress(update: Update, context: AttuneContext) -> None:
    """Streak, rest days, lessons per track and quiz accuracy; then the calendar picture
    (drawn in a thread: matplotlib takes a tenth of a second the loop should not wait)."""
    await _for_learner(update, context, context.services.progress.report, texts.progress)
    user, message = update.effective_user, update.effective_message
    calendar = await context.read(context.services.progress.calendar, user.id) if user else None
    if calendar is not None and message is not None:
        picture = await asyncio.to_thread(calendar_png, calendar)
        await message.reply_photo(picture, caption=texts.CALENDAR_CAPTION)


async def pause(update: Update, context: AttuneContext) -> None:
    """/pause [days]: a vacation hold; the streak is frozen."""
    user = update.effective_user
    if user is None:
        return
    args = context.args or []
    days: int | None = None
    if args:
        if len(args) != 1 or not is_digits(args[0]) or len(args[0]) > 3:
            await _reply(update, texts.BAD_PAUSE)
            return
        days = int(args[0])
    if await context.read(context.services.learners.get, user.id) is None:
        await _reply(update, texts.NEED_START)
        return
    profile = await context.write(context.services.learners.pause, user.id, days)
    await _reply(update, texts.paused(profile, days or 0) if profile else texts.BAD_PAUSE)


async def resume(update: Update, context: AttuneContext) -> None:
    """End a pause (or a stop); say so when there was nothing to end."""
    user = update.effective_user
    learners = context.services.learners
    profile = await context.read(learners.get, user.id) if user else None
    if user is None or profile is None:
        await _reply(update, texts.NEED_START)
    elif profile.status == "active":
        await _reply(update, texts.not_paused(profile))
    else:
        resumed = await context.write(learners.resume, user.id)
        await _reply(update, texts.resumed(resumed) if resumed else texts.NEED_START)


async def stop(update: Update, context: AttuneContext) -> None:
    """No more lessons; data is kept."""
    user = update.effective_user
    stopped = await context.write(context.services.learners.stop, user.id) if user else None
    await _reply(update, texts.STOPPED if stopped else texts.NEED_START)


async def help_command(update: Update, context: AttuneContext) -> None:
    """Commands, and crisis resources for the learner's country (from their time zone)."""
    user = update.effective_user
    profile = await context.read(context.services.learners.get, user.id) if user else None
    resources = context.services.safety.resources_for_zone(profile.zone if profile else None)
    await _reply(update, texts.help_text(resources))


async def about(update: Update, context: AttuneContext) -> None:
    """What Attune is and is not."""
    await _reply(update, texts.ABOUT)


async def unknown(update: Update, context: AttuneContext) -> None:
    """A command we do not have."""
    message = update.effective_message
    if message is not None and message.text:
        await _reply(update, texts.unknown_command(message.text.split()[0]))


async def not_understood(update: Update, context: AttuneContext) -> None:
    """A photo or document may be an announcement; anything else we have no use for."""
    user, message = update.effective_user, update.effective_message
    profile = await context.read(context.services.learners.get, user.id) if user else None
    waiting = routes.awaiting(profile.pending_step if profile else None)
    if isinstance(waiting, routes.AwaitAnnouncement):
        await announcements.capture(update, context, waiting)
        return
    zone = profile.zone if profile else None
    if message is not None and await answered_distress(message, context, message.caption, zone):
        return
    await _reply(update, texts.NOT_UNDERSTOOD)


async def stale_button(update: Update, context: AttuneContext) -> None:
    """A button no feature recognises: forged, truncated, or from a keyboard we retired."""
    query = update.callback_query
    if query is None:
        return
    known = await context.read(context.services.learners.get, query.from_user.id) is not None
    await query.answer(texts.STALE_BUTTON if known else texts.NEED_START)


async def private_only(update: Update, context: AttuneContext) -> None:
    """Lesson commands sent in a group: point to the private chat."""
    await _reply(update, texts.PRIVATE_ONLY)


def register(application: AttuneApplication) -> None:
    """The learner's own commands and the "show today's lesson" button."""
    add_commands(application, dict.fromkeys(SETTING_COMMANDS, setting))
    add_commands(
        application,
        {
            "settings": settings, "today": today, "progress": progress, "pause": pause,
            "resume": resume, "stop": stop, "help": help_command, "about": about,
        },
    )  # fmt: skip
    add_buttons(application, lesson_again, routes.LessonAgain)
