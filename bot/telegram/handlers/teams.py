"""Team commands: /newteam, /join (and join links), /leave, /myteams, /teamadmin, /linkteam.

Handlers parse and reply; the services decide and re-check permissions, and any refusal
arrives as a ``Refusal`` (``TeamProblem`` and its kin) that ``refuse`` turns into a kind reply.
"""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.learning.join_codes import deep_link_payload, display
from bot.services.base import Refusal
from bot.services.teams import TeamProblem, TeamView
from bot.telegram import routes, texts
from bot.telegram import team_keyboards as kb
from bot.telegram.context import AttuneContext
from bot.telegram.handlers import steps


async def refuse(context: AttuneContext, chat_id: int, problem: Refusal) -> None:
    """Say why nothing was changed."""
    await steps.say(context, chat_id, texts.TEAM_PROBLEMS.get(problem.code, texts.STALE_BUTTON))


def team_of(context: AttuneContext, user_id: int, team_id: int) -> TeamView | None:
    """One of the learner's teams, by id."""
    return next((t for t in context.services.teams.teams_of(user_id) if t.id == team_id), None)


def join_link(context: AttuneContext, code: str) -> str:
    """The deep link that opens the bot with the team's join code."""
    return f"https://t.me/{context.bot.username}?start={deep_link_payload(code)}"


async def argument_or_usage(
    update: Update, context: AttuneContext, usage: str
) -> tuple[int, int, str] | None:
    """``(user id, chat id, argument)``; with no argument, show ``usage`` and return None."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    argument = " ".join(context.args or [])
    if not argument:
        await steps.say(context, chat.id, usage)
        return None
    return user.id, chat.id, argument[:300]


async def new_team(update: Update, context: AttuneContext) -> None:
    """/newteam <name>: create a team; the creator becomes its facilitator."""
    given = await argument_or_usage(update, context, texts.NEWTEAM_USAGE)
    if given is None:
        return
    user_id, chat_id, name = given
    try:
        team = context.services.teams.create(user_id, name)
    except Refusal as problem:
        await refuse(context, chat_id, problem)
        return
    text = texts.team_created(team.name, display(team.code), join_link(context, team.code))
    await steps.say(context, chat_id, text)


async def join(update: Update, context: AttuneContext) -> None:
    """/join <code>: ask for consent before joining."""
    given = await argument_or_usage(update, context, texts.JOIN_USAGE)
    if given is None:
        return
    user_id, chat_id, code = given
    if context.services.learners.get(user_id) is None:
        await steps.say(context, chat_id, texts.NEED_START)
        return
    await offer_join(context, chat_id, user_id, code)


async def offer_join(context: AttuneContext, chat_id: int, user_id: int, code: str) -> None:
    """Hold a place in the team and show exactly what joining shares."""
    try:
        team = context.services.teams.request_join(user_id, code)
    except Refusal as problem:
        await refuse(context, chat_id, problem)
        return
    await steps.say(context, chat_id, texts.join_consent(team.name), kb.consent_keyboard(team.id))


async def answer_consent(
    context: AttuneContext, chat_id: int, user_id: int, answer: routes.JoinAnswer
) -> None:
    """Join (with or without a name on the board) or decline; then finish setup if needed."""
    joining = answer.choice is not routes.JoinChoice.DECLINE
    named = answer.choice is routes.JoinChoice.WITH_NAME
    team = context.services.teams.answer_consent(user_id, answer.team_id, joining, named)
    reply = texts.joined(team.name, named) if joining else texts.DECLINED
    await steps.say(context, chat_id, reply)
    profile = context.services.learners.get(user_id)
    if profile is not None and not profile.onboarded:
        await steps.ask(context, chat_id, profile, profile.pending_step or "tracks")


async def my_teams(update: Update, context: AttuneContext) -> None:
    """/myteams: the teams the learner belongs to."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    teams = context.services.teams.teams_of(user.id)
    await steps.say(context, chat.id, texts.my_teams([(t.name, t.role, t.members) for t in teams]))


async def link_group(update: Update, context: AttuneContext) -> None:
    """/linkteam <code> in a group: post the team's digests there."""
    given = await argument_or_usage(update, context, texts.LINK_USAGE)
    if given is None:
        return
    user_id, chat_id, code = given
    try:
        team = context.services.teams.link_group(user_id, code, chat_id)
    except Refusal as problem:
        await refuse(context, chat_id, problem)
        return
    await steps.say(context, chat_id, texts.group_linked(team.name))


async def rename_from_text(
    context: AttuneContext, chat_id: int, user_id: int, waiting: routes.AwaitTeamName, text: str
) -> None:
    """The typed answer to "send the new name"."""
    context.services.learners.expect(user_id, None)
    try:
        team = context.services.teams.rename(user_id, waiting.team_id, text)
    except Refusal as problem:
        await refuse(context, chat_id, problem)
        return
    await steps.say(context, chat_id, texts.team_renamed(team.name))


async def show_admin(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """The /teamadmin menu for one team (facilitators only)."""
    context.services.teams.members(user_id, team_id)  # raises unless a facilitator
    team = team_of(context, user_id, team_id)
    assert team is not None
    text = texts.team_admin(team.name, display(team.code), team.members)
    await steps.say(context, chat_id, text, kb.admin_keyboard(team_id))


async def show_members(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """Consenting members, each with its actions (none on one's own row)."""
    for member in context.services.teams.members(user_id, team_id):
        label = texts.esc(member.first_name or "A member")
        if member.role == "facilitator":
            label += " (facilitator)"
        mine = member.learner_id == user_id
        keyboard = None if mine else kb.member_keyboard(team_id, member.learner_id, member.role)
        await steps.say(context, chat_id, label, keyboard)


async def admin_action(
    context: AttuneContext, chat_id: int, user_id: int, route: routes.TeamAdmin
) -> None:
    """A /teamadmin button that acts at once: the members list, or renaming."""
    team_id = route.team_id
    if route.op is routes.AdminOp.MEMBERS:
        await show_members(context, chat_id, user_id, team_id)
    elif route.op is routes.AdminOp.RENAME:
        context.services.teams.members(user_id, team_id)  # raises unless a facilitator
        waiting = routes.awaiting_text(routes.AwaitTeamName(team_id))
        context.services.learners.expect(user_id, waiting)
        await steps.say(context, chat_id, texts.ASK_TEAM_NAME)


# The /teamadmin buttons that cannot be undone ask first, in the menu message itself.
CONFIRMED_BY = {
    routes.AdminOp.NEW_CODE: routes.ConfirmOp.NEW_CODE,
    routes.AdminOp.STOP_CHALLENGE: routes.ConfirmOp.STOP_CHALLENGE,
}


def asks_first(route: routes.Route) -> bool:
    """Is this a destructive admin button, or the answer to one?"""
    return isinstance(route, routes.ConfirmAdmin) or (
        isinstance(route, routes.TeamAdmin) and route.op in CONFIRMED_BY
    )


async def in_menu(
    context: AttuneContext,
    query: CallbackQuery,
    user_id: int,
    route: routes.TeamAdmin | routes.ConfirmAdmin,
) -> None:
    """Ask to confirm in the menu message; on confirmation act, and show the menu again
    with what changed (the new code in it)."""
    team = team_of(context, user_id, route.team_id)
    if team is None or team.role != "facilitator":
        raise TeamProblem("not_facilitator")
    if isinstance(route, routes.TeamAdmin):
        op = CONFIRMED_BY[route.op]
        ask = texts.confirm_new_code if op is routes.ConfirmOp.NEW_CODE else texts.confirm_stop
        await query.edit_message_text(
            ask(team.name), reply_markup=kb.confirm_keyboard(op, team.id)
        )
        return
    note = texts.NOTHING_CHANGED
    if route.op is routes.ConfirmOp.NEW_CODE:
        rotated = context.services.teams.rotate_code(user_id, team.id)
        note = texts.code_rotated(display(rotated.code), join_link(context, rotated.code))
    elif route.op is routes.ConfirmOp.STOP_CHALLENGE:
        view = context.services.challenges.stop(user_id, team.id)
        note = texts.challenge_stopped(view.track_title)
    await show_menu_in(context, query, user_id, team.id, note)


async def show_menu_in(
    context: AttuneContext, query: CallbackQuery, user_id: int, team_id: int, note: str
) -> None:
    """Turn the message back into the /teamadmin menu, as the team is now."""
    team = team_of(context, user_id, team_id)
    assert team is not None
    text = texts.team_admin_updated(team.name, display(team.code), team.members, note)
    await query.edit_message_text(text, reply_markup=kb.admin_keyboard(team_id))


async def member_action(
    context: AttuneContext, chat_id: int, user_id: int, route: routes.MemberAction
) -> None:
    """A button under one member: make them a facilitator, or remove them."""
    teams = context.services.teams
    if route.op is routes.MemberOp.MAKE_FACILITATOR:
        member = teams.make_facilitator(user_id, route.team_id, route.learner_id)
        await steps.say(context, chat_id, texts.facilitator_added(member.first_name))
    else:
        member = teams.remove_member(user_id, route.team_id, route.learner_id)
        await steps.say(context, chat_id, texts.member_removed(member.first_name))
