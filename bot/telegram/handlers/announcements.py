"""/announce: choose the team, send the message as it should arrive, preview, then send
now, schedule or cancel; /announcements lists them; /cancel leaves the flow.

The step (waiting for content, or for a time) is stored like onboarding steps, so it
survives a restart.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import TelegramError

from bot.learning.moments import parse_moment
from bot.limits import MESSAGE_TEXT, telegram_length
from bot.services.announcements import (
    EVERYONE,
    MAX_FILE_BYTES,
    AnnouncementProblem,
    CapReached,
    Content,
)
from bot.services.base import Refusal
from bot.telegram import keyboards, routes, texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_buttons, add_commands
from bot.telegram.handlers import steps
from bot.telegram.handlers.teams import refuse
from bot.telegram.sending import announcements as fanout

logger = logging.getLogger(__name__)

CAPTION_LIMIT = 1024


async def zone_of(context: AttuneContext, user_id: int) -> str:
    """The learner's own time zone (UTC until they choose one)."""
    profile = await context.read(context.services.learners.get, user_id)
    return (profile.zone if profile else None) or "UTC"


async def announce(update: Update, context: AttuneContext) -> None:
    """Start an announcement: pick the audience if there is a choice."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    audiences = await context.read(context.services.announcements.audiences, user.id)
    if not audiences:
        await steps.say(context, chat.id, texts.NO_AUDIENCE)
    elif len(audiences) == 1:
        await ask_content(context, chat.id, user.id, audiences[0][0])
    else:
        keyboard = keyboards.audience_keyboard(audiences, EVERYONE)
        await steps.say(context, chat.id, texts.ANNOUNCE_WHICH, keyboard)


async def ask_content(context: AttuneContext, chat_id: int, user_id: int, audience: int) -> None:
    """Say how many more the daily cap allows, then wait: the next message is the
    announcement."""
    room = await context.read(context.services.announcements.room, user_id, audience)
    waiting = routes.awaiting_text(routes.AwaitAnnouncement(audience))
    await context.write(context.services.learners.expect, user_id, waiting)
    await steps.say(context, chat_id, texts.announce_ask(room, await zone_of(context, user_id)))


def content_of(message: Message) -> Content | str:
    """The announcement in a message, or the reply explaining why it can't be one."""
    if message.text is not None:
        if not message.text.strip():
            return texts.ANNOUNCE_EMPTY
        entities = tuple(e.to_dict() for e in message.entities)
        return Content("text", message.text, entities)
    caption = message.caption or ""
    entities = tuple(e.to_dict() for e in message.caption_entities)
    if message.photo:
        return Content("photo", caption, entities, message.photo[-1].file_id)
    if message.document is not None:
        if (message.document.file_size or 0) > MAX_FILE_BYTES:
            return texts.ANNOUNCE_TOO_BIG
        return Content("document", caption, entities, message.document.file_id)
    return texts.ANNOUNCE_UNSUPPORTED


async def capture(
    update: Update, context: AttuneContext, waiting: routes.AwaitAnnouncement
) -> None:
    """The author's message: check it, keep it as a draft, show the exact preview."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    found = content_of(message)
    audience = waiting.audience
    name = next(
        (
            n
            for t, n in await context.read(context.services.announcements.audiences, user.id)
            if t == audience
        ),
        "",
    )
    if isinstance(found, str):
        await steps.say(context, message.chat_id, found)
        return
    limit = MESSAGE_TEXT if found.kind == "text" else CAPTION_LIMIT
    if telegram_length(texts.announcement_header(name) + found.text) > limit:
        await steps.say(context, message.chat_id, texts.announce_too_long(limit))
        return
    services = context.services
    try:
        draft = await context.write(services.announcements.draft, user.id, audience, found)
    except AnnouncementProblem as problem:
        await context.write(services.learners.expect, user.id, None)
        await refuse(context, message.chat_id, problem)
        return
    await context.write(services.learners.expect, user.id, None)
    await steps.say(context, message.chat_id, texts.PREVIEW)
    await fanout.deliver(context.bot, message.chat_id, draft.content, draft.audience)
    room = await context.read(context.services.announcements.room, user.id, audience)
    keyboard = keyboards.draft_keyboard(draft.id, send_now=room.left > 0)
    confirm = (
        texts.CONFIRM_SEND
        if room.left
        else texts.confirm_later(room, await zone_of(context, user.id))
    )
    await steps.say(context, message.chat_id, confirm, keyboard)


async def on_button(update: Update, context: AttuneContext) -> None:
    """An audience or a draft's send/schedule/cancel; the service re-checks the author."""
    query = update.callback_query
    route = routes.decode(query.data if query else None)
    if query is None or update.effective_chat is None or route is None:
        return
    await query.answer()
    await steps.clear_buttons(query)
    chat_id, user_id = update.effective_chat.id, query.from_user.id
    try:
        if isinstance(route, routes.AnnounceTo):
            await _choose_audience(context, chat_id, user_id, route.audience)
        elif isinstance(route, routes.AnnouncementAction):
            await _act(context, chat_id, user_id, route)
    except Refusal as problem:
        await refuse(context, chat_id, problem)


async def _choose_audience(
    context: AttuneContext, chat_id: int, user_id: int, audience: int
) -> None:
    service = context.services.announcements
    if audience not in [t for t, _ in await context.read(service.audiences, user_id)]:
        raise AnnouncementProblem("not_admin" if audience == EVERYONE else "not_facilitator")
    await ask_content(context, chat_id, user_id, audience)


async def _act(
    context: AttuneContext, chat_id: int, user_id: int, route: routes.AnnouncementAction
) -> None:
    service, number = context.services.announcements, route.announcement_id
    if route.op is routes.DraftOp.SEND_NOW:
        try:
            view = await context.write(service.send_now, user_id, number)
        except CapReached as full:
            text = texts.cap_reached(full, await zone_of(context, user_id), scheduling=False)
            later = keyboards.draft_keyboard(number, send_now=False)
            await steps.say(context, chat_id, text, later)
            return
        fanout.start(context, [view.id])
        await steps.say(context, chat_id, texts.sending_now(view.counts.get("pending", 0)))
    elif route.op is routes.DraftOp.SCHEDULE:
        await context.read(service.check_draft, user_id, number)
        waiting = routes.awaiting_text(routes.AwaitScheduleTime(number))
        await context.write(context.services.learners.expect, user_id, waiting)
        zone = await zone_of(context, user_id)
        await steps.say(context, chat_id, texts.ASK_WHEN.format(zone=texts.esc(zone)))
    else:
        cancelled = await context.write(service.cancel, user_id, number)
        await steps.say(context, chat_id, texts.ANNOUNCE_CANCELLED)
        if cancelled.author_chat is not None:
            try:  # the author may have blocked the bot: the cancel stands all the same
                await steps.say(context, cancelled.author_chat, texts.cancelled_by(cancelled))
            except TelegramError as error:
                logger.warning("could not tell the author of a cancel: %s", error)


async def schedule_from_text(
    update: Update, context: AttuneContext, waiting: routes.AwaitScheduleTime
) -> None:
    """The typed time for a scheduled announcement, in the author's zone."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    zone = await zone_of(context, user.id)
    moment = parse_moment(message.text[:100], context.services.clock.now(), zone)
    try:
        if moment.instant is None:
            raise AnnouncementProblem(moment.problem or "bad_time")
        view = await context.write(
            context.services.announcements.schedule,
            user.id,
            waiting.announcement_id,
            moment.instant,
        )
    except CapReached as full:
        await steps.say(context, message.chat_id, texts.cap_reached(full, zone, scheduling=True))
        return
    except AnnouncementProblem as problem:
        await refuse(context, message.chat_id, problem)
        return
    await context.write(context.services.learners.expect, user.id, None)
    # The type: ignore below: a scheduled view always has its time.
    await steps.say(context, message.chat_id, texts.scheduled_for(view.scheduled_at, zone))  # type: ignore[arg-type]


async def listing(update: Update, context: AttuneContext) -> None:
    """/announcements: scheduled (with a cancel button each) and recent ones."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    views = await context.read(context.services.announcements.listing, user.id)
    if not views:
        await steps.say(context, chat.id, texts.NO_ANNOUNCEMENTS)
        return
    zone = await zone_of(context, user.id)
    for view in views:
        cancel = keyboards.cancel_scheduled_keyboard(view.id) if view.cancellable else None
        await steps.say(context, chat.id, texts.announcement_line(view, zone), cancel)


async def cancel(update: Update, context: AttuneContext) -> None:
    """/cancel: leave whatever we were waiting for."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    profile = await context.read(context.services.learners.get, user.id)
    awaited = routes.awaiting(profile.pending_step if profile else None)
    waiting = routes.is_cancellable(awaited)
    if waiting:
        await context.write(context.services.learners.expect, user.id, None)
    if isinstance(awaited, routes.JOURNAL_ANSWERS):
        await steps.say(context, chat.id, texts.JOURNAL_CANCELLED)
        return
    await steps.say(
        context, chat.id, texts.ANNOUNCE_CANCELLED if waiting else texts.NOTHING_TO_CANCEL
    )


def register(application: AttuneApplication) -> None:
    """/announce, /announcements, /cancel and the audience and draft buttons."""
    add_commands(application, {"announce": announce, "announcements": listing, "cancel": cancel})
    add_buttons(application, on_button, routes.AnnounceTo, routes.AnnouncementAction)
