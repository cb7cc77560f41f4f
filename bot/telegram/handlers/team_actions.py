"""Routing for team commands and buttons: pick the team, then run one action on it."""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import CommandHandler, filters

from bot.services.base import Refusal
from bot.telegram import routes, texts
from bot.telegram import team_keyboards as kb
from bot.telegram.context import AttuneApplication, AttuneContext, add_buttons, add_commands
from bot.telegram.handlers import challenges, organisations, steps, teams

# The buttons this module answers (registered with ``routes.matches(*TEAM_ROUTES)``).
TEAM_ROUTES = (
    routes.JoinAnswer, routes.TeamMenu, routes.TeamAdmin, routes.ConfirmAdmin,
    routes.MemberAction, routes.MembersPage, routes.JoinOrg,
    routes.ChallengeTrack, routes.ChallengeLength, routes.ChallengeStart,
    routes.FollowChallenge,
)  # fmt: skip


async def run_menu(
    context: AttuneContext, chat_id: int, user_id: int, menu: routes.TeamMenu
) -> None:
    """One command on one team; the services refuse anything the user may not do."""
    team_id, action = menu.team_id, menu.action
    if action is routes.TeamMenuAction.BOARD:
        await challenges.show_board(context, chat_id, user_id, team_id)
    elif action is routes.TeamMenuAction.STATS:
        await challenges.show_stats(context, chat_id, user_id, team_id)
    elif action is routes.TeamMenuAction.EXPORT:
        await challenges.send_export(context, chat_id, user_id, team_id)
    elif action is routes.TeamMenuAction.CHALLENGE:
        await challenges.open_challenge(context, chat_id, user_id, team_id)
    elif action is routes.TeamMenuAction.ADMIN:
        await teams.show_admin(context, chat_id, user_id, team_id)
    elif action is routes.TeamMenuAction.ORG:
        await organisations.show(context, chat_id, user_id, team_id)
    else:
        await teams.leave_team(context, chat_id, user_id, team_id)


async def _run_route(
    context: AttuneContext, chat_id: int, user_id: int, route: routes.Route
) -> None:
    """Send one team button to the handler for its kind."""
    match route:
        case routes.JoinAnswer():
            await teams.answer_consent(context, chat_id, user_id, route)
        case routes.TeamMenu():
            await run_menu(context, chat_id, user_id, route)
        case routes.TeamAdmin():
            await teams.admin_action(context, chat_id, user_id, route)
        case routes.JoinOrg(team_id, code):
            await organisations.join(context, chat_id, user_id, team_id, code)
        case routes.FollowChallenge(challenge_id):
            await challenges.choose_counting(context, chat_id, user_id, challenge_id)
        case routes.ChallengeTrack() | routes.ChallengeLength() | routes.ChallengeStart():
            await challenges.challenge_step(context, chat_id, user_id, route)


async def on_team_button(update: Update, context: AttuneContext) -> None:
    """A team or challenge button; the services re-check every permission."""
    query = update.callback_query
    route = routes.decode(query.data if query else None)
    if query is None or update.effective_chat is None or route is None:
        return
    await query.answer()
    chat_id, user_id = update.effective_chat.id, query.from_user.id
    if isinstance(route, teams.InPlace) and teams.edits_in_place(route):
        await _in_place(context, query, chat_id, user_id, route)
        return
    await steps.clear_buttons(query)
    try:
        await _run_route(context, chat_id, user_id, route)
    except Refusal as problem:
        await teams.refuse(context, chat_id, problem)


async def _in_place(
    context: AttuneContext,
    query: CallbackQuery,
    chat_id: int,
    user_id: int,
    route: teams.InPlace,
) -> None:
    """A button that edits its own message (a destructive admin button asks first, the
    members list pages and acts); a refusal clears its buttons and says why."""
    try:
        await teams.in_place(context, query, user_id, route)
    except Refusal as problem:
        await steps.clear_buttons(query)
        await teams.refuse(context, chat_id, problem)


async def for_team(
    update: Update,
    context: AttuneContext,
    action: routes.TeamMenuAction,
    *,
    facilitator_only: bool,
) -> None:
    """Run ``action`` on the learner's only (facilitated) team, or ask which team."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    mine = await context.read(context.services.teams.teams_of, user.id)
    if facilitator_only:
        mine = [t for t in mine if t.role == "facilitator"]
    if not mine:
        none = texts.NOT_FACILITATOR_ANYWHERE if facilitator_only else texts.NO_TEAMS
        await steps.say(context, chat.id, none)
        return
    if len(mine) > 1:
        keyboard = kb.teams_keyboard(action, [(t.id, t.name) for t in mine])
        shown = len(kb.capped(mine))
        await steps.say(context, chat.id, texts.choose_team(len(mine), shown), keyboard)
        return
    try:
        await run_menu(context, chat.id, user.id, routes.TeamMenu(action, mine[0].id))
    except Refusal as problem:
        await teams.refuse(context, chat.id, problem)


async def team_board(update: Update, context: AttuneContext) -> None:
    """/team: the board of every team the learner is in."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    mine = await context.read(context.services.teams.teams_of, user.id)
    if not mine:
        await steps.say(context, chat.id, texts.NO_TEAMS)
    for team in mine:
        await challenges.show_board(context, chat.id, user.id, team.id)


async def team_stats(update: Update, context: AttuneContext) -> None:
    """/teamstats (facilitators)."""
    await for_team(update, context, routes.TeamMenuAction.STATS, facilitator_only=True)


async def export(update: Update, context: AttuneContext) -> None:
    """/export (facilitators): the stats as a CSV file."""
    await for_team(update, context, routes.TeamMenuAction.EXPORT, facilitator_only=True)


async def team_admin(update: Update, context: AttuneContext) -> None:
    """/teamadmin (facilitators): members, code, name, stopping a challenge."""
    await for_team(update, context, routes.TeamMenuAction.ADMIN, facilitator_only=True)


async def leave(update: Update, context: AttuneContext) -> None:
    """/leave: leave a team."""
    await for_team(update, context, routes.TeamMenuAction.LEAVE, facilitator_only=False)


async def typed_by_facilitator(
    update: Update, context: AttuneContext, action: routes.TeamMenuAction
) -> tuple[int, int, str, list[tuple[int, str]]] | None:
    """A facilitator's command with an argument: ``(user id, chat id, argument, the teams
    they facilitate)``. Without an argument, ``action`` runs on their (chosen) team; a
    learner who facilitates nothing is told so. ``None`` when nothing is left to do."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    argument = " ".join(context.args or [])
    if not argument:
        await for_team(update, context, action, facilitator_only=True)
        return None
    mine = await context.read(context.services.teams.teams_of, user.id)
    facilitated = [(t.id, t.name) for t in mine if t.role == "facilitator"]
    if not facilitated:
        await steps.say(context, chat.id, texts.NOT_FACILITATOR_ANYWHERE)
        return None
    return user.id, chat.id, argument, facilitated


async def organisation(update: Update, context: AttuneContext) -> None:
    """/org: a team's organisation code; ``/org CODE`` puts a team into that one."""
    given = await typed_by_facilitator(update, context, routes.TeamMenuAction.ORG)
    if given is not None:
        user_id, chat_id, argument, facilitated = given
        await organisations.join_typed(context, chat_id, user_id, argument[:300], facilitated)


async def challenge(update: Update, context: AttuneContext) -> None:
    """/challenge: guided by buttons, or typed as ``/challenge <track> <days> [date]``."""
    given = await typed_by_facilitator(update, context, routes.TeamMenuAction.CHALLENGE)
    if given is not None:
        user_id, chat_id, argument, facilitated = given
        team_ids = [team_id for team_id, _ in facilitated]
        await challenges.challenge_typed(context, chat_id, user_id, argument[:200], team_ids)


def register(application: AttuneApplication) -> None:
    """Team commands and every team, admin and challenge button."""
    add_commands(
        application,
        {
            "newteam": teams.new_team, "join": teams.join, "myteams": teams.my_teams,
            "leave": leave, "team": team_board, "teamstats": team_stats, "export": export,
            "teamadmin": team_admin, "challenge": challenge, "org": organisation,
        },
    )  # fmt: skip
    add_buttons(application, on_team_button, *TEAM_ROUTES)
    groups = filters.ChatType.GROUPS
    application.add_handler(CommandHandler("linkteam", teams.link_group, filters=groups))
