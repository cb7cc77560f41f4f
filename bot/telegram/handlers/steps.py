"""Asking for one setting, and what to say once it is chosen.

Onboarding, /settings and the one-setting commands (/time with no argument, ...) all ask
the same way, so a learner sees one consistent flow.
"""

from __future__ import annotations

import contextlib

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.services.learners import StepResult
from bot.services.profiles import Profile
from bot.telegram import keyboards, texts
from bot.telegram.context import AttuneContext

PROMPTS = {
    "tracks": texts.ASK_TRACKS,
    "time": texts.ASK_TIME,
    "zone": texts.ASK_ZONE,
    "days": texts.ASK_DAYS,
}


async def clear_buttons(query: CallbackQuery) -> None:
    """Remove a pressed message's buttons; a message without any (a double tap, forged
    data) is left as it is."""
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)


async def say(
    context: AttuneContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send an HTML message, optionally with buttons."""
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def ask(
    context: AttuneContext, chat_id: int, profile: Profile, step: str, note: str = ""
) -> None:
    """Send the prompt and keyboard for ``step`` (after ``note``, e.g. what was saved)."""
    services = context.services
    if step == "tracks":
        markup = keyboards.tracks_keyboard(services.library, profile.tracks)
        text = PROMPTS[step] if not profile.onboarded else texts.TRACKS_EDIT
    elif step == "time":
        markup, text = keyboards.time_keyboard(), PROMPTS[step]
    elif step == "zone":
        markup, text = keyboards.zone_keyboard(services.clock.now()), PROMPTS[step]
    else:
        markup, text = keyboards.days_keyboard(), PROMPTS["days"]
    if profile.onboarded:
        text = text.split("\n", 1)[-1]
    await say(context, chat_id, f"{note}\n\n{text}" if note else text, markup)


async def after_step(context: AttuneContext, chat_id: int, result: StepResult) -> None:
    """Move onboarding on, or confirm a settings change."""
    profile = result.profile
    titles = track_titles(context)
    if result.finished_onboarding:
        await say(context, chat_id, texts.onboarding_done(profile, titles))
    elif not profile.onboarded and profile.pending_step:
        note = texts.step_saved(result.step, profile, titles)
        await ask(context, chat_id, profile, profile.pending_step, note)
    else:
        await say(context, chat_id, texts.saved(profile))


def track_titles(context: AttuneContext) -> dict[str, str]:
    """Track ids to titles, for settings summaries."""
    return {t.id: t.title for t in context.services.library.tracks.values()}
