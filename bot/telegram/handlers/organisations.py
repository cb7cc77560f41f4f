"""/org: one clinic's teams form an organisation, and boards rank teams only within it.

``/org`` shows (or makes) a team's organisation code; ``/org CODE`` puts a team the
facilitator runs into that organisation. The code is the key, as a join code is for a
team: only facilitators see it, and no one can list teams outside their organisation.
"""

from __future__ import annotations

from bot.learning.join_codes import normalise
from bot.services.base import Refusal
from bot.services.teams import TeamProblem
from bot.telegram import team_keyboards as kb
from bot.telegram import texts
from bot.telegram.context import AttuneContext
from bot.telegram.handlers import steps
from bot.telegram.handlers.teams import refuse


async def show(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """The team's organisation code and teams (the code is made on first asking)."""
    view = await context.read(context.services.teams.organisation, user_id, team_id)
    await steps.say(context, chat_id, texts.organisation(view))


async def join(
    context: AttuneContext, chat_id: int, user_id: int, team_id: int, code: str
) -> None:
    """Put the team into the organisation; the service checks the facilitator and code."""
    view = await context.write(context.services.teams.join_organisation, user_id, team_id, code)
    await steps.say(context, chat_id, texts.organisation(view))


async def join_typed(
    context: AttuneContext,
    chat_id: int,
    user_id: int,
    argument: str,
    facilitated: list[tuple[int, str]],
) -> None:
    """``/org CODE``: for the facilitator's only team, or ask which of ``facilitated``."""
    code = normalise(argument)
    try:
        if code is None:
            raise TeamProblem("unknown_org_code")
        if len(facilitated) == 1:
            await join(context, chat_id, user_id, facilitated[0][0], code)
            return
    except Refusal as problem:
        await refuse(context, chat_id, problem)
        return
    shown = len(kb.capped(facilitated))
    text = texts.choose_team(len(facilitated), shown, texts.ORG_WHICH_TEAM)
    await steps.say(context, chat_id, text, kb.org_teams_keyboard(facilitated, code))
