"""Routing for team commands and buttons: pick the team, then run one action on it."""

from __future__ import annotations

from telegram import Update

from bot.services.base import Refusal
from bot.telegram import team_keyboards as kb
from bot.telegram import texts
from bot.telegram.context import AttuneContext
from bot.telegram.handlers import challenges, steps, teams


async def run_team_action(
    context: AttuneContext, chat_id: int, user_id: int, action: kb.TeamAction
) -> None:
    """Do one team action; the services refuse anything the user may not do."""
    kind, team_id = action.kind, action.team_id
    if kind == "board":
        await challenges.show_board(context, chat_id, user_id, team_id)
    elif kind == "stats":
        await challenges.show_stats(context, chat_id, user_id, team_id)
    elif kind == "export":
        await challenges.send_export(context, chat_id, user_id, team_id)
    elif kind == "challenge" or kind.startswith("challenge_"):
        await challenges.challenge_step(context, chat_id, user_id, action)
    elif kind == "count":
        await challenges.choose_counting(context, chat_id, user_id, action.number)
    elif kind == "admin":
        await teams.show_admin(context, chat_id, user_id, team_id)
    elif kind == "admin_m":
        await teams.show_members(context, chat_id, user_id, team_id)
    elif kind == "admin_s":
        view = context.services.challenges.stop(user_id, team_id)
        await steps.say(context, chat_id, texts.challenge_stopped(view.track_title))
    elif kind.startswith("admin_"):
        await teams.admin_action(context, chat_id, user_id, action)
    elif kind == "leave":
        team = context.services.teams.leave(user_id, team_id)
        await steps.say(context, chat_id, texts.left_team(team.name))


async def on_team_button(update: Update, context: AttuneContext) -> None:
    """A team or challenge button; forged or stale data changes nothing."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    action = kb.parse_team_callback(query.data)
    if action is None:
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    chat_id, user_id = update.effective_chat.id, query.from_user.id
    await steps.clear_buttons(query)
    try:
        if action.kind.startswith("join_"):
            await teams.answer_consent(update, context, action, chat_id)
        else:
            await run_team_action(context, chat_id, user_id, action)
    except Refusal as problem:
        await teams.refuse(context, chat_id, problem)


async def for_team(
    update: Update, context: AttuneContext, action: str, *, facilitator_only: bool
) -> None:
    """Run ``action`` on the learner's only (facilitated) team, or ask which team."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    mine = context.services.teams.teams_of(user.id)
    if facilitator_only:
        mine = [t for t in mine if t.role == "facilitator"]
    if not mine:
        none = texts.NOT_FACILITATOR_ANYWHERE if facilitator_only else texts.NO_TEAMS
        await steps.say(context, chat.id, none)
        return
    if len(mine) > 1:
        keyboard = kb.teams_keyboard(action, [(t.id, t.name) for t in mine])
        await steps.say(context, chat.id, texts.CHOOSE_TEAM, keyboard)
        return
    try:
        await run_team_action(context, chat.id, user.id, kb.TeamAction(action, mine[0].id))
    except Refusal as problem:
        await teams.refuse(context, chat.id, problem)


async def team_board(update: Update, context: AttuneContext) -> None:
    """/team: the board of every team the learner is in."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    mine = context.services.teams.teams_of(user.id)
    if not mine:
        await steps.say(context, chat.id, texts.NO_TEAMS)
    for team in mine:
        await challenges.show_board(context, chat.id, user.id, team.id)


async def team_stats(update: Update, context: AttuneContext) -> None:
    """/teamstats (facilitators)."""
    await for_team(update, context, "stats", facilitator_only=True)


async def export(update: Update, context: AttuneContext) -> None:
    """/export (facilitators): the stats as a CSV file."""
    await for_team(update, context, "export", facilitator_only=True)


async def team_admin(update: Update, context: AttuneContext) -> None:
    """/teamadmin (facilitators): members, code, name, stopping a challenge."""
    await for_team(update, context, "admin", facilitator_only=True)


async def leave(update: Update, context: AttuneContext) -> None:
    """/leave: leave a team."""
    await for_team(update, context, "leave", facilitator_only=False)


async def challenge(update: Update, context: AttuneContext) -> None:
    """/challenge: guided by buttons, or typed as ``/challenge <track> <days> [date]``."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    argument = " ".join(context.args or [])
    if not argument:
        await for_team(update, context, "challenge", facilitator_only=True)
        return
    facilitated = [
        t.id for t in context.services.teams.teams_of(user.id) if t.role == "facilitator"
    ]
    if not facilitated:
        await steps.say(context, chat.id, texts.NOT_FACILITATOR_ANYWHERE)
        return
    await challenges.challenge_typed(context, chat.id, user.id, argument[:200], facilitated)
