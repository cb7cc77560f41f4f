"""Team commands: /newteam, /join (and join links), /leave, /myteams, /teamadmin, /linkteam.

Handlers parse and reply; the services decide and re-check permissions, and any refusal
arrives as a ``Refusal`` (``TeamProblem`` and its kin) that ``refuse`` turns into a kind reply.
The /teamadmin menu and the members list change in place: a destructive button asks
first in the same message, and the list shows what changed on top.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.learning.join_codes import deep_link_payload, display
from bot.services.base import Refusal
from bot.services.teams import TeamProblem, TeamView
from bot.telegram import routes, texts
from bot.telegram import team_keyboards as kb
from bot.telegram.context import AttuneContext
from bot.telegram.handlers import steps
from bot.telegram.sending import notices

# Why the only facilitator may not leave yet: they hand over or close the team first.
HAND_OVER = frozenset({"last_facilitator", "only_member"})


async def refuse(context: AttuneContext, chat_id: int, problem: Refusal) -> None:
    """Say why nothing was changed."""
    await steps.say(context, chat_id, texts.TEAM_PROBLEMS.get(problem.code, texts.STALE_BUTTON))


async def team_of(context: AttuneContext, user_id: int, team_id: int) -> TeamView | None:
    """One of the learner's teams, by id."""
    mine = await context.read(context.services.teams.teams_of, user_id)
    return next((t for t in mine if t.id == team_id), None)


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
        team = await context.write(context.services.teams.create, user_id, name)
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
    if await context.read(context.services.learners.get, user_id) is None:
        await steps.say(context, chat_id, texts.NEED_START)
        return
    await offer_join(context, chat_id, user_id, code)


async def offer_join(context: AttuneContext, chat_id: int, user_id: int, code: str) -> None:
    """Hold a place in the team and show exactly what joining shares."""
    try:
        team = await context.write(context.services.teams.request_join, user_id, code)
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
    team = await context.write(
        context.services.teams.answer_consent, user_id, answer.team_id, joining, named
    )
    reply = texts.joined(team.name, named) if joining else texts.DECLINED
    await steps.say(context, chat_id, reply)
    profile = await context.read(context.services.learners.get, user_id)
    if profile is not None and not profile.onboarded:
        await steps.ask(context, chat_id, profile, profile.pending_step or "tracks")


async def my_teams(update: Update, context: AttuneContext) -> None:
    """/myteams: the teams the learner belongs to."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    teams = await context.read(context.services.teams.teams_of, user.id)
    await steps.say(context, chat.id, texts.my_teams([(t.name, t.role, t.members) for t in teams]))


async def link_group(update: Update, context: AttuneContext) -> None:
    """/linkteam <code> in a group: post the team's digests there."""
    given = await argument_or_usage(update, context, texts.LINK_USAGE)
    if given is None:
        return
    user_id, chat_id, code = given
    try:
        team = await context.write(context.services.teams.link_group, user_id, code, chat_id)
    except Refusal as problem:
        await refuse(context, chat_id, problem)
        return
    await steps.say(context, chat_id, texts.group_linked(team.name))


async def rename_from_text(
    context: AttuneContext, chat_id: int, user_id: int, waiting: routes.AwaitTeamName, text: str
) -> None:
    """The typed answer to "send the new name"."""
    await context.write(context.services.learners.expect, user_id, None)
    try:
        team = await context.write(context.services.teams.rename, user_id, waiting.team_id, text)
    except Refusal as problem:
        await refuse(context, chat_id, problem)
        return
    await steps.say(context, chat_id, texts.team_renamed(team.name))


async def show_admin(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """The /teamadmin menu for one team (facilitators only)."""
    await context.read(
        context.services.teams.members, user_id, team_id
    )  # raises unless a facilitator
    team = await team_of(context, user_id, team_id)
    assert team is not None
    text = texts.team_admin(team.name, display(team.code), team.members)
    await steps.say(context, chat_id, text, kb.admin_keyboard(team_id))


async def leave_team(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """/leave for one team; its only facilitator is offered a hand-over or closing."""
    try:
        team = await context.write(context.services.teams.leave, user_id, team_id)
    except TeamProblem as problem:
        if problem.code not in HAND_OVER:
            raise
        if not await hand_over_first(context, chat_id, user_id, erasing=False, team_id=team_id):
            await refuse(context, chat_id, problem)
        return
    await steps.say(context, chat_id, texts.left_team(team.name))


async def hand_over_first(
    context: AttuneContext, chat_id: int, user_id: int, *, erasing: bool, team_id: int = 0
) -> bool:
    """If the learner is the only facilitator of ``team_id`` (leaving it) or of a team
    with others in it (erasing their data), explain and offer a hand-over or closing.
    Whether it was offered."""
    sole = await context.read(context.services.teams.sole_facilitations, user_id)
    found = [t for t in sole if (t.others > 0 if erasing else t.id == team_id)]
    if not found:
        return False
    team = found[0]
    text = texts.hand_over(team.name, team.others, erasing)
    await steps.say(context, chat_id, text, kb.hand_over_keyboard(team.id, team.others))
    return True


async def show_members(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """The first page of consenting members, with the actions on each (none on one's own)."""
    page = await context.read(context.services.teams.members_page, user_id, team_id, 0)
    keyboard = kb.members_keyboard(page, user_id)
    await steps.say(context, chat_id, texts.members_page(page, user_id), keyboard)


async def admin_action(
    context: AttuneContext, chat_id: int, user_id: int, route: routes.TeamAdmin
) -> None:
    """A /teamadmin button that acts at once: the members list, or renaming."""
    team_id = route.team_id
    if route.op is routes.AdminOp.MEMBERS:
        await show_members(context, chat_id, user_id, team_id)
    elif route.op is routes.AdminOp.RENAME:
        await context.read(
            context.services.teams.members, user_id, team_id
        )  # raises unless a facilitator
        waiting = routes.awaiting_text(routes.AwaitTeamName(team_id))
        await context.write(context.services.learners.expect, user_id, waiting)
        await steps.say(context, chat_id, texts.ASK_TEAM_NAME)


# The /teamadmin buttons that cannot be undone ask first, in the menu message itself.
CONFIRMED_BY = {
    routes.AdminOp.NEW_CODE: routes.ConfirmOp.NEW_CODE,
    routes.AdminOp.STOP_CHALLENGE: routes.ConfirmOp.STOP_CHALLENGE,
    routes.AdminOp.CLOSE: routes.ConfirmOp.CLOSE,
}
QUESTIONS = {
    routes.ConfirmOp.NEW_CODE: lambda team: texts.confirm_new_code(team.name),
    routes.ConfirmOp.STOP_CHALLENGE: lambda team: texts.confirm_stop(team.name),
    routes.ConfirmOp.CLOSE: lambda team: texts.confirm_close(team.name, team.members - 1),
}
InPlace = routes.TeamAdmin | routes.ConfirmAdmin | routes.MembersPage | routes.MemberAction


def asks_first(route: routes.Route) -> bool:
    """Is this a destructive admin button, or the answer to one?"""
    return isinstance(route, routes.ConfirmAdmin) or (
        isinstance(route, routes.TeamAdmin) and route.op in CONFIRMED_BY
    )


def edits_in_place(route: routes.Route) -> bool:
    """Does this button change the message it is under (rather than answer below it)?"""
    return asks_first(route) or isinstance(route, routes.MembersPage | routes.MemberAction)


async def in_place(
    context: AttuneContext, query: CallbackQuery, user_id: int, route: InPlace
) -> None:
    """A button that edits its own message: the admin menu's, or the members list's."""
    if isinstance(route, routes.MembersPage | routes.MemberAction):
        await in_members(context, query, user_id, route)
    else:
        await in_menu(context, query, user_id, route)


async def edit(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Change the pressed message; pressing twice (nothing to change) is no error."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message:
            raise


async def in_members(
    context: AttuneContext,
    query: CallbackQuery,
    user_id: int,
    route: routes.MembersPage | routes.MemberAction,
) -> None:
    """Page through the members list, or act on one member (removing asks first); the
    list then shows the page as it is now, with what changed on top."""
    teams, note = context.services.teams, ""
    if isinstance(route, routes.MemberAction):
        team_id, member_id, page = route.team_id, route.learner_id, route.page
        if route.op is routes.MemberOp.REMOVE:
            member = await context.read(teams.member, user_id, team_id, member_id)
            team = await context.read(teams.members_page, user_id, team_id, page)
            keyboard = kb.confirm_remove_keyboard(team_id, member_id, member.first_name, page)
            await edit(query, texts.confirm_remove(member.first_name, team.team_name), keyboard)
            return
        if route.op is routes.MemberOp.MAKE_FACILITATOR:
            made = await context.write(teams.make_facilitator, user_id, team_id, member_id)
            note = texts.facilitator_added(made.first_name)
        else:
            removed = await context.write(teams.remove_member, user_id, team_id, member_id)
            note = texts.member_removed(removed.first_name)
    listing = await context.read(teams.members_page, user_id, route.team_id, route.page)
    text = texts.members_page(listing, user_id, note)
    await edit(query, text, kb.members_keyboard(listing, user_id))


async def in_menu(
    context: AttuneContext,
    query: CallbackQuery,
    user_id: int,
    route: routes.TeamAdmin | routes.ConfirmAdmin,
) -> None:
    """Ask to confirm in the menu message; on confirmation act, and show the menu again
    with what changed (the new code in it)."""
    team = await team_of(context, user_id, route.team_id)
    if team is None or team.role != "facilitator":
        raise TeamProblem("not_facilitator")
    if isinstance(route, routes.TeamAdmin):
        op = CONFIRMED_BY[route.op]
        await edit(query, QUESTIONS[op](team), kb.confirm_keyboard(op, team.id))
        return
    if route.op is routes.ConfirmOp.CLOSE:
        closed = await context.write(context.services.teams.close, user_id, team.id)
        await edit(query, texts.team_closed(closed.name, len(closed.member_chats)))
        for chat_id in closed.member_chats:
            await notices.post(context, chat_id, texts.team_closed_notice(closed.name))
        return
    note = texts.NOTHING_CHANGED
    if route.op is routes.ConfirmOp.NEW_CODE:
        rotated = await context.write(context.services.teams.rotate_code, user_id, team.id)
        note = texts.code_rotated(display(rotated.code), join_link(context, rotated.code))
    elif route.op is routes.ConfirmOp.STOP_CHALLENGE:
        view = await context.write(context.services.challenges.stop, user_id, team.id)
        note = texts.challenge_stopped(view.track_title)
    await show_menu_in(context, query, user_id, team.id, note)


async def show_menu_in(
    context: AttuneContext, query: CallbackQuery, user_id: int, team_id: int, note: str
) -> None:
    """Turn the message back into the /teamadmin menu, as the team is now."""
    team = await team_of(context, user_id, team_id)
    assert team is not None
    text = texts.team_admin_updated(team.name, display(team.code), team.members, note)
    await query.edit_message_text(text, reply_markup=kb.admin_keyboard(team_id))
