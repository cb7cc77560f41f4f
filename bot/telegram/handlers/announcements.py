"""/announce: choose the team, send the message as it should arrive, preview, then send
now, schedule or cancel; /announcements lists them; /cancel leaves the flow.

The step (waiting for content, or for a time) is stored like onboarding steps, so it
survives a restart.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.learning.moments import parse_moment
from bot.learning.numbers import small_id
from bot.limits import MESSAGE_TEXT, telegram_length
from bot.services.announcements import EVERYONE, MAX_FILE_BYTES, AnnouncementProblem, Content
from bot.telegram import texts
from bot.telegram.context import AttuneContext
from bot.telegram.handlers import steps
from bot.telegram.handlers.teams import refuse
from bot.telegram.sending import announcements as fanout

CAPTION_LIMIT = 1024
CANCELLABLE_STEPS = ("announce:", "schedule:", "rename:")


def zone_of(context: AttuneContext, user_id: int) -> str:
    """The learner's own time zone (UTC until they choose one)."""
    profile = context.services.learners.get(user_id)
    return (profile.zone if profile else None) or "UTC"


def _audience_label(team_id: int, name: str) -> str:
    return name if team_id != EVERYONE else "Everyone (all active learners)"


async def announce(update: Update, context: AttuneContext) -> None:
    """Start an announcement: pick the audience if there is a choice."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    audiences = context.services.announcements.audiences(user.id)
    if not audiences:
        await steps.say(context, chat.id, texts.NO_AUDIENCE)
    elif len(audiences) == 1:
        await ask_content(context, chat.id, user.id, audiences[0][0])
    else:
        rows = [
            [InlineKeyboardButton(_audience_label(tid, name)[:60], callback_data=f"an:t:{tid}")]
            for tid, name in audiences
        ]
        await steps.say(context, chat.id, texts.ANNOUNCE_WHICH, InlineKeyboardMarkup(rows))


async def ask_content(context: AttuneContext, chat_id: int, user_id: int, audience: int) -> None:
    """Wait for the next message: that is the announcement."""
    context.services.learners.expect(user_id, f"announce:{audience}")
    await steps.say(context, chat_id, texts.ANNOUNCE_ASK)


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


async def capture(update: Update, context: AttuneContext, step: str) -> None:
    """The author's message: check it, keep it as a draft, show the exact preview."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    found = content_of(message)
    audience = int(step.split(":", 1)[1])
    name = next(
        (n for t, n in context.services.announcements.audiences(user.id) if t == audience), ""
    )
    if isinstance(found, str):
        await steps.say(context, message.chat_id, found)
        return
    limit = MESSAGE_TEXT if found.kind == "text" else CAPTION_LIMIT
    if telegram_length(texts.announcement_header(name) + found.text) > limit:
        await steps.say(context, message.chat_id, texts.announce_too_long(limit))
        return
    try:
        draft = context.services.announcements.draft(user.id, audience, found)
    except AnnouncementProblem as problem:
        context.services.learners.expect(user.id, None)
        await refuse(context, message.chat_id, problem)
        return
    context.services.learners.expect(user.id, None)
    await steps.say(context, message.chat_id, texts.PREVIEW)
    await fanout.deliver(context.bot, message.chat_id, draft.content, draft.audience)
    buttons = [
        InlineKeyboardButton("Send now", callback_data=f"an:s:{draft.id}"),
        InlineKeyboardButton("Schedule", callback_data=f"an:l:{draft.id}"),
        InlineKeyboardButton("Cancel", callback_data=f"an:c:{draft.id}"),
    ]
    await steps.say(context, message.chat_id, texts.CONFIRM_SEND, InlineKeyboardMarkup([buttons]))


async def on_button(update: Update, context: AttuneContext) -> None:
    """``an:t:<audience>``, ``an:s|l|c|x:<announcement>``; forged data is refused."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    parts = (query.data or "").split(":")
    number = small_id(parts[2]) if len(parts) == 3 else None
    if number is None or parts[1] not in ("t", "s", "l", "c", "x"):
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    await steps.clear_buttons(query)
    chat_id, user_id = update.effective_chat.id, query.from_user.id
    try:
        await _act(context, chat_id, user_id, parts[1], number)
    except AnnouncementProblem as problem:
        await refuse(context, chat_id, problem)


async def _act(context: AttuneContext, chat_id: int, user_id: int, kind: str, number: int) -> None:
    service = context.services.announcements
    if kind == "t":
        if number not in [t for t, _ in service.audiences(user_id)]:
            raise AnnouncementProblem("not_admin" if number == EVERYONE else "not_facilitator")
        await ask_content(context, chat_id, user_id, number)
    elif kind == "s":
        view = service.send_now(user_id, number)
        fanout.start(context, [view.id])
        await steps.say(context, chat_id, texts.sending_now(view.counts.get("pending", 0)))
    elif kind == "l":
        service.check_draft(user_id, number)
        context.services.learners.expect(user_id, f"schedule:{number}")
        zone = zone_of(context, user_id)
        await steps.say(context, chat_id, texts.ASK_WHEN.format(zone=texts.esc(zone)))
    else:
        service.cancel(user_id, number)
        await steps.say(context, chat_id, texts.ANNOUNCE_CANCELLED)


async def schedule_from_text(update: Update, context: AttuneContext, step: str) -> None:
    """The typed time for a scheduled announcement, in the author's zone."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    zone = zone_of(context, user.id)
    moment = parse_moment(message.text[:100], context.services.clock.now(), zone)
    try:
        if moment.instant is None:
            raise AnnouncementProblem(moment.problem or "bad_time")
        view = context.services.announcements.schedule(
            user.id, int(step.split(":")[1]), moment.instant
        )
    except AnnouncementProblem as problem:
        await refuse(context, message.chat_id, problem)
        return
    context.services.learners.expect(user.id, None)
    await steps.say(context, message.chat_id, texts.scheduled_for(view.scheduled_at, zone))  # type: ignore[arg-type]


async def listing(update: Update, context: AttuneContext) -> None:
    """/announcements: scheduled (with a cancel button each) and recent ones."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    views = context.services.announcements.listing(user.id)
    if not views:
        await steps.say(context, chat.id, texts.NO_ANNOUNCEMENTS)
        return
    zone = zone_of(context, user.id)
    for view in views:
        cancel = None
        if view.state == "scheduled":
            button = InlineKeyboardButton("Cancel it", callback_data=f"an:x:{view.id}")
            cancel = InlineKeyboardMarkup([[button]])
        await steps.say(context, chat.id, texts.announcement_line(view, zone), cancel)


async def cancel(update: Update, context: AttuneContext) -> None:
    """/cancel: leave whatever we were waiting for."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    profile = context.services.learners.get(user.id)
    step = (profile.pending_step if profile else None) or ""
    waiting = step.startswith(CANCELLABLE_STEPS)
    if waiting:
        context.services.learners.expect(user.id, None)
    await steps.say(
        context, chat.id, texts.ANNOUNCE_CANCELLED if waiting else texts.NOTHING_TO_CANCEL
    )
