"""/start, button presses and typed answers during setup.

The step a learner is on is stored in the database (``pending_step``), not in a
ConversationHandler, so onboarding survives a restart and typed answers are understood
whenever we asked for one.
"""

from __future__ import annotations

from telegram import Update

from bot.learning.join_codes import DEEP_LINK_PREFIX
from bot.learning.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    is_fixed_offset,
    parse_days,
    parse_time,
    parse_zone,
    zone_choices,
)
from bot.services.learners import StepResult
from bot.telegram import keyboards, routes, texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_buttons, add_commands
from bot.telegram.handlers import announcements, feedback, journal, steps, teams
from bot.telegram.handlers.safety import answered_distress

MAX_TYPED_ANSWER = 200


async def start(update: Update, context: AttuneContext) -> None:
    """Greet, state what Attune is and is not, and set up (or welcome back)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    result = await context.write(
        context.services.learners.start, user.id, chat.id, user.first_name or ""
    )
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
    """A setup button (tracks, time, zone, days, a /settings step)."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    route = routes.decode(query.data)
    learners = context.services.learners
    profile = await context.read(learners.get, query.from_user.id)
    unknown_track = isinstance(route, routes.PickTrack) and (
        route.track_id not in context.services.library.tracks
    )
    if route is None or profile is None or unknown_track:
        await query.answer(texts.STALE_BUTTON if profile else texts.NEED_START)
        return
    if not isinstance(route, routes.OpenSetting) and profile.pending_step != STEP_OF[type(route)]:
        await query.answer(texts.STEP_ALREADY_DONE)  # a keyboard from a finished step
        return
    chat_id = update.effective_chat.id
    if isinstance(route, routes.PickTrack):
        updated = await context.write(learners.toggle_track, profile.id, route.track_id)
        if updated is None:
            await query.answer(texts.STALE_BUTTON)
            return
        await query.answer()
        markup = keyboards.tracks_keyboard(context.services.library, updated.tracks)
        await query.edit_message_reply_markup(markup)
        return
    if isinstance(route, routes.ToggleDay):
        toggled = await context.write(learners.toggle_day, profile.id, route.day)
        await query.answer()
        if toggled is not None:
            await query.edit_message_reply_markup(keyboards.custom_days_keyboard(toggled.days))
        return
    await _finish_button(update, context, route, chat_id)


# Which setup step each button belongs to: it works only while that step is asked.
STEP_OF: dict[type, str] = {
    routes.PickTrack: "tracks",
    routes.TracksDone: "tracks",
    routes.PickTime: "time",
    routes.PickZone: "zone",
    routes.PickDays: "days",
    routes.ToggleDay: "days",
}


async def _finish_button(
    update: Update, context: AttuneContext, route: routes.Route, chat_id: int
) -> None:
    """Buttons that complete a step (or open one) and remove their keyboard."""
    query = update.callback_query
    assert query is not None
    learners, user_id = context.services.learners, query.from_user.id
    if isinstance(route, routes.OpenSetting):
        profile = await context.write(learners.expect, user_id, route.step)
        await query.answer()
        if profile is not None:
            await steps.ask(context, chat_id, profile, route.step)
        return
    if isinstance(route, routes.PickDays) and route.choice is routes.DaysChoice.CUSTOM:
        profile = await context.write(learners.begin_custom_days, user_id)
        await query.answer()
        if profile is not None:
            await query.edit_message_text(texts.ASK_CUSTOM_DAYS)
            await query.edit_message_reply_markup(keyboards.custom_days_keyboard(profile.days))
        return
    result = await _apply_button(context, user_id, route)
    if result is None and isinstance(route, routes.TracksDone | routes.PickDays):
        await query.answer(
            texts.NEED_A_TRACK if isinstance(route, routes.TracksDone) else texts.NEED_A_DAY
        )
        return
    await query.answer()
    await steps.clear_buttons(query)
    if result is not None:
        await steps.after_step(context, chat_id, result)


async def _apply_button(
    context: AttuneContext, user_id: int, route: routes.Route
) -> StepResult | None:
    """Save what a step button chose; ``None`` when nothing could be saved."""
    learners = context.services.learners
    match route:
        case routes.TracksDone():
            return await context.write(learners.confirm_tracks, user_id)
        case routes.PickTime(at):
            chosen = parse_time(at)
            if chosen is None:
                return None
            return await context.write(learners.set_time, user_id, chosen)
        case routes.PickZone(zone):
            return await context.write(learners.set_zone, user_id, zone)
        case routes.PickDays(routes.DaysChoice.DAILY):
            return await context.write(learners.set_days, user_id, ALL_DAYS)
        case routes.PickDays(routes.DaysChoice.WEEKDAYS):
            return await context.write(learners.set_days, user_id, WEEKDAYS)
        case routes.PickDays(routes.DaysChoice.DONE):
            profile = await context.read(learners.get, user_id)
            if profile is None:
                return None
            return await context.write(learners.set_days, user_id, profile.days)
    return None


async def on_track_info(update: Update, context: AttuneContext) -> None:
    """A track's description and learning objectives, beside the track picker."""
    query = update.callback_query
    route = routes.decode(query.data if query else None)
    if query is None or not isinstance(route, routes.TrackInfo):
        return
    track = context.services.library.tracks.get(route.track_id)
    if track is None:
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    await steps.say(context, query.from_user.id, texts.track_info(track))


async def on_text(update: Update, context: AttuneContext) -> None:
    """A typed answer to the step we asked about; anything else gets a kind pointer."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    profile = await context.read(context.services.learners.get, user.id)
    waiting = routes.awaiting(profile.pending_step if profile else None)
    zone = profile.zone if profile else None
    in_distress = await answered_distress(message, context, message.text, zone)
    if in_distress and isinstance(waiting, routes.JOURNAL_ANSWERS):
        # Nor in the journal; and the next message is not filed away unread either.
        await context.write(context.services.learners.expect, user.id, None)
        return
    if in_distress and not isinstance(waiting, routes.AwaitAnnouncement):
        # Nothing typed in distress is saved as a setting or a name; the step stays open.
        # An announcement draft is the facilitator's words to the team and goes on.
        return
    if profile is None:
        await message.reply_text(texts.NEED_START)
        return
    await _answer_typed(update, context, waiting, message.text)


async def _answer_typed(
    update: Update, context: AttuneContext, waiting: routes.Awaiting | None, text: str
) -> None:
    """Give the typed text to whatever was waiting for it."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if isinstance(waiting, routes.AwaitAnnouncement):
        await announcements.capture(update, context, waiting)
        return
    if isinstance(waiting, routes.AwaitScheduleTime):
        await announcements.schedule_from_text(update, context, waiting)
        return
    if isinstance(waiting, routes.JOURNAL_ANSWERS):  # its own, longer limit
        await journal.save(context, message.chat_id, user.id, waiting, text)
        return
    if len(text) > MAX_TYPED_ANSWER:
        await message.reply_text(texts.TOO_LONG)
        return
    if isinstance(waiting, routes.AwaitFeedback):
        await feedback.send_feedback(context, message.chat_id, user.id, text)
        return
    if isinstance(waiting, routes.AwaitTeamName):
        await teams.rename_from_text(context, message.chat_id, user.id, waiting, text)
        return
    if isinstance(waiting, routes.AwaitSetting) and waiting.step in BAD_INPUT:
        await answer_setting(context, message.chat_id, user.id, waiting.step, text)
        return
    await message.reply_text(texts.NOT_UNDERSTOOD)


BAD_INPUT = {"time": texts.BAD_TIME, "zone": texts.BAD_ZONE, "days": texts.BAD_DAYS}


async def answer_setting(
    context: AttuneContext, chat_id: int, user_id: int, step: str, text: str
) -> None:
    """A typed time, zone or days (in onboarding or with /time, /timezone, /days)."""
    if step == "zone" and (choices := zone_choices(text)):
        await context.write(context.services.learners.expect, user_id, "zone")  # buttons answer
        keyboard = keyboards.zone_choice_keyboard(choices, context.services.clock.now())
        await steps.say(context, chat_id, texts.which_zone(text), keyboard)
        return
    result = await apply_typed(context, user_id, step, text)
    if result is None:
        await steps.say(context, chat_id, BAD_INPUT[step])
        return
    zone = result.profile.zone
    if step == "zone" and zone is not None and is_fixed_offset(zone):
        await steps.say(context, chat_id, texts.fixed_offset_note(zone))
    await steps.after_step(context, chat_id, result)


async def apply_typed(
    context: AttuneContext, user_id: int, step: str, text: str
) -> StepResult | None:
    """Parse a typed time, zone or days and save it; ``None`` if it cannot be read."""
    learners = context.services.learners
    if step == "time":
        at = parse_time(text)
        return await context.write(learners.set_time, user_id, at) if at is not None else None
    if step == "zone":
        zone = parse_zone(text)
        return await context.write(learners.set_zone, user_id, zone) if zone else None
    days = parse_days(text)
    return await context.write(learners.set_days, user_id, days) if days else None


def register(application: AttuneApplication) -> None:
    """/start and the setup buttons (typed answers arrive through the text fallback)."""
    add_commands(application, {"start": start})
    add_buttons(
        application,
        on_button,
        routes.PickTrack, routes.TracksDone, routes.PickTime, routes.PickZone,
        routes.PickDays, routes.ToggleDay, routes.OpenSetting,
    )  # fmt: skip
    add_buttons(application, on_track_info, routes.TrackInfo)
