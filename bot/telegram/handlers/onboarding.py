"""/start, button presses and typed answers during setup.

The step a learner is on is stored in the database (``pending_step``), not in a
ConversationHandler, so onboarding survives a restart and typed answers are understood
whenever we asked for one.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.learning.join_codes import DEEP_LINK_PREFIX
from bot.learning.schedule import ALL_DAYS, WEEKDAYS, parse_days, parse_time, parse_zone
from bot.services.learners import StepResult
from bot.telegram import keyboards, texts
from bot.telegram.context import AttuneContext
from bot.telegram.handlers import announcements, privacy, steps, teams
from bot.telegram.handlers.safety import answered_distress

MAX_TYPED_ANSWER = 200


async def start(update: Update, context: AttuneContext) -> None:
    """Greet, state what Attune is and is not, and set up (or welcome back)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    result = context.services.learners.start(user.id, chat.id, user.first_name or "")
    profile = result.profile
    if result.is_new:
        await steps.say(context, chat.id, texts.welcome(user.first_name or ""))
    elif profile.onboarded:
        text = texts.welcome_back(profile, result.reactivated, steps.track_titles(context))
        await steps.say(context, chat.id, text, keyboards.settings_keyboard())
    else:
        await steps.say(context, chat.id, texts.welcome_back(profile, result.reactivated, {}))
    payload = (context.args or [""])[0]
    if payload.startswith(DEEP_LINK_PREFIX):
        await teams.offer_join(context, chat.id, user.id, payload[:64])
    elif not profile.onboarded:
        await steps.ask(context, chat.id, profile, profile.pending_step or "tracks")


async def on_button(update: Update, context: AttuneContext) -> None:
    """Handle a button press; stale or forged data changes nothing."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    action = keyboards.parse_callback(query.data)
    if action is not None and action.kind.startswith("privacy_"):
        await privacy.on_confirm(update, context, action.kind)
        return
    learners = context.services.learners
    profile = learners.get(query.from_user.id)
    if action is None or profile is None:
        await query.answer(texts.STALE_BUTTON if profile else texts.NEED_START)
        return
    chat_id = update.effective_chat.id
    if action.kind == "track":
        updated = learners.toggle_track(profile.id, action.value)
        if updated is None:
            await query.answer(texts.STALE_BUTTON)
            return
        await query.answer()
        markup = keyboards.tracks_keyboard(context.services.library, updated.tracks)
        await query.edit_message_reply_markup(markup)
        return
    if action.kind == "day_toggle":
        updated = learners.toggle_day(profile.id, int(action.value))
        await query.answer()
        if updated is not None:
            await query.edit_message_reply_markup(keyboards.custom_days_keyboard(updated.days))
        return
    await _finish_button(update, context, action, chat_id)


async def _finish_button(
    update: Update, context: AttuneContext, action: keyboards.Action, chat_id: int
) -> None:
    """Buttons that complete a step (or open one) and remove their keyboard."""
    query = update.callback_query
    assert query is not None
    learners, user_id = context.services.learners, query.from_user.id
    result: StepResult | None = None
    if action.kind == "settings":
        profile = learners.expect(user_id, action.value)
        await query.answer()
        if profile is not None:
            await steps.ask(context, chat_id, profile, action.value)
        return
    if action.kind == "days_custom":
        profile = learners.begin_custom_days(user_id)
        await query.answer()
        if profile is not None:
            await query.edit_message_text(texts.ASK_CUSTOM_DAYS, parse_mode=ParseMode.HTML)
            await query.edit_message_reply_markup(keyboards.custom_days_keyboard(profile.days))
        return
    if action.kind == "track_done":
        result = learners.confirm_tracks(user_id)
        if result is None:
            await query.answer(texts.NEED_A_TRACK)
            return
    elif action.kind == "time":
        result = learners.set_time(user_id, parse_time(action.value))  # type: ignore[arg-type]
    elif action.kind == "zone":
        result = learners.set_zone(user_id, action.value)
    elif action.kind in ("days_daily", "days_weekdays", "days_done"):
        result = _set_days_from_button(context, user_id, action.kind)
        if result is None:
            await query.answer(texts.NEED_A_DAY)
            return
    await query.answer()
    await steps.clear_buttons(query)
    if result is not None:
        await steps.after_step(context, chat_id, result)


def _set_days_from_button(context: AttuneContext, user_id: int, kind: str) -> StepResult | None:
    learners = context.services.learners
    if kind == "days_daily":
        return learners.set_days(user_id, ALL_DAYS)
    if kind == "days_weekdays":
        return learners.set_days(user_id, WEEKDAYS)
    profile = learners.get(user_id)
    return learners.set_days(user_id, profile.days) if profile else None


async def on_text(update: Update, context: AttuneContext) -> None:
    """A typed answer to the step we asked about; anything else gets a kind pointer."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    profile = context.services.learners.get(user.id)
    step = (profile.pending_step if profile else None) or ""
    zone = profile.zone if profile else None
    if await answered_distress(message, context, message.text, zone) and not step.startswith(
        "announce:"
    ):
        # Nothing typed in distress is saved as a setting or a name; the step stays open.
        # An announcement draft is the facilitator's words to the team and goes on.
        return
    if profile is None:
        await message.reply_text(texts.NEED_START)
        return
    text = message.text
    if step.startswith("announce:"):
        await announcements.capture(update, context, step)
        return
    if step.startswith("schedule:"):
        await announcements.schedule_from_text(update, context, step)
        return
    if len(text) > MAX_TYPED_ANSWER:
        await message.reply_text(texts.TOO_LONG)
        return
    if step.startswith("rename:"):
        await teams.rename_from_text(context, message.chat_id, user.id, step, text)
        return
    if step in ("time", "zone", "days"):
        result = apply_typed(context, user.id, step, text)
        if result is None:
            await message.reply_text(BAD_INPUT[step], parse_mode=ParseMode.HTML)
        else:
            await steps.after_step(context, message.chat_id, result)
        return
    await message.reply_text(texts.NOT_UNDERSTOOD)


BAD_INPUT = {"time": texts.BAD_TIME, "zone": texts.BAD_ZONE, "days": texts.BAD_DAYS}


def apply_typed(context: AttuneContext, user_id: int, step: str, text: str) -> StepResult | None:
    """Parse a typed time, zone or days and save it; ``None`` if it cannot be read."""
    learners = context.services.learners
    if step == "time":
        at = parse_time(text)
        return learners.set_time(user_id, at) if at is not None else None
    if step == "zone":
        zone = parse_zone(text)
        return learners.set_zone(user_id, zone) if zone is not None else None
    days = parse_days(text)
    return learners.set_days(user_id, days) if days else None
