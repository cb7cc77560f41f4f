"""Team commands: /newteam, /join (and join links), /leave, /myteams, /teamadmin, /linkteam.

Handlers parse and reply; the services decide and re-check permissions, and any refusal
arrives as a ``TeamProblem`` that ``refuse`` turns into a kind reply.
"""

from __future__ import annotations

from telegram import Update

from bot.learning.join_codes import deep_link_payload, display
from bot.learning.numbers import small_id
from bot.services.base import Refusal
from bot.services.teams import TeamProblem, TeamView
from bot.telegram import team_keyboards as kb
from bot.telegram import texts
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
    except TeamProblem as problem:
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
    except TeamProblem as problem:
        await refuse(context, chat_id, problem)
        return
    await steps.say(context, chat_id, texts.join_consent(team.name), kb.consent_keyboard(team.id))


async def answer_consent(
    update: Update, context: AttuneContext, action: kb.TeamAction, chat_id: int
) -> None:
    """Join (with or without a name on the board) or decline; then finish setup if needed."""
    user_id = update.callback_query.from_user.id  # type: ignore[union-attr]
    joining = action.kind != "join_x"
    team = context.services.teams.answer_consent(
        user_id, action.team_id, joining, action.kind == "join_y"
    )
    reply = texts.joined(team.name, action.kind == "join_y") if joining else texts.DECLINED
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
    except TeamProblem as problem:
        await refuse(context, chat_id, problem)
        return
    await steps.say(context, chat_id, texts.group_linked(team.name))


async def rename_from_text(
    context: AttuneContext, chat_id: int, user_id: int, step: str, text: str
) -> None:
    """The typed answer to "send the new name" (``step`` is ``rename:<team id>``)."""
    context.services.learners.expect(user_id, None)
    team_id = small_id(step.split(":", 1)[1])
    try:
        if team_id is None:
            raise TeamProblem("not_facilitator")
        team = context.services.teams.rename(user_id, team_id, text)
    except TeamProblem as problem:
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
    context: AttuneContext, chat_id: int, user_id: int, action: kb.TeamAction
) -> None:
    """One /teamadmin button: rotate, rename, promote or remove."""
    teams = context.services.teams
    if action.kind == "admin_r":
        team = teams.rotate_code(user_id, action.team_id)
        link = join_link(context, team.code)
        await steps.say(context, chat_id, texts.code_rotated(display(team.code), link))
    elif action.kind == "admin_n":
        teams.members(user_id, action.team_id)  # raises unless a facilitator
        context.services.learners.expect(user_id, f"rename:{action.team_id}")
        await steps.say(context, chat_id, texts.ASK_TEAM_NAME)
    elif action.kind == "admin_f":
        member = teams.make_facilitator(user_id, action.team_id, action.number)
        await steps.say(context, chat_id, texts.facilitator_added(member.first_name))
    elif action.kind == "admin_x":
        member = teams.remove_member(user_id, action.team_id, action.number)
        await steps.say(context, chat_id, texts.member_removed(member.first_name))
