"""Challenge commands: start one (guided or typed), the board, stats, CSV, which counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from bot.learning.challenges import valid_length
from bot.learning.schedule import local_date
from bot.services.challenges import ChallengeProblem, StatsView
from bot.telegram import team_keyboards as kb
from bot.telegram import texts
from bot.telegram.context import AttuneContext
from bot.telegram.handlers import steps
from bot.telegram.handlers.teams import refuse, team_of

TYPED = re.compile(r"^(?P<track>.+?)\s+(?P<days>\d{1,4})(?:\s+(?P<start>\d{4}-\d{2}-\d{2}))?$")


def resolve_track(context: AttuneContext, text: str) -> str | None:
    """A track by id or title, case-insensitively."""
    wanted = text.strip().lower()
    for track in context.services.library.tracks.values():
        if wanted in (track.id, track.title.lower()):
            return track.id
    return None


async def challenge_typed(
    context: AttuneContext, chat_id: int, user_id: int, argument: str, team_ids: list[int]
) -> None:
    """``/challenge <track> <days> [YYYY-MM-DD]`` for the facilitator's team(s)."""
    match = TYPED.match(argument.strip())
    if match is None:
        await steps.say(context, chat_id, texts.CHALLENGE_USAGE)
        return
    track_id = resolve_track(context, match["track"])
    try:
        start = date.fromisoformat(match["start"]) if match["start"] else None
        if track_id is None:
            raise ChallengeProblem("unknown_track")
    except ValueError:
        await steps.say(context, chat_id, texts.CHALLENGE_USAGE)
        return
    except ChallengeProblem as problem:
        await refuse(context, chat_id, problem)
        return
    days = int(match["days"])
    if len(team_ids) > 1:
        teams = [(t.id, t.name) for t in context.services.teams.teams_of(user_id)]
        choices = [(tid, name) for tid, name in teams if tid in team_ids]
        keyboard = kb.start_for_teams_keyboard(choices, track_id, days, start)
        await steps.say(context, chat_id, texts.CHOOSE_TEAM, keyboard)
        return
    ask = kb.TeamAction("challenge_s", team_ids[0], track_id, days)
    await start_challenge(context, chat_id, user_id, ask, start)


async def start_challenge(
    context: AttuneContext, chat_id: int, user_id: int, ask: kb.TeamAction, start: date | None
) -> None:
    """Start the challenge ``ask`` describes (the service checks every rule) and confirm."""
    try:
        view = context.services.challenges.start(
            user_id, ask.team_id, ask.value, ask.number, start
        )
    except ChallengeProblem as problem:
        await refuse(context, chat_id, problem)
        return
    text = texts.challenge_started(view.track_title, view.days, view.start_date, view.team_name)
    await steps.say(context, chat_id, text)


async def challenge_step(
    context: AttuneContext, chat_id: int, user_id: int, action: kb.TeamAction
) -> None:
    """The guided flow: team, then track, then length, then start date."""
    services = context.services
    if action.kind == "challenge":
        services.teams.members(user_id, action.team_id)  # raises unless a facilitator
        keyboard = kb.tracks_keyboard(action.team_id, services.library)
        await steps.say(context, chat_id, texts.CHOOSE_TRACK, keyboard)
    elif action.kind == "challenge_k":
        _check_step(context, user_id, action)
        keyboard = kb.lengths_keyboard(action.team_id, action.value)
        await steps.say(context, chat_id, texts.CHOOSE_LENGTH, keyboard)
    elif action.kind == "challenge_d":
        _check_step(context, user_id, action)
        if not valid_length(action.number):
            raise ChallengeProblem("bad_length")
        team = team_of(context, user_id, action.team_id)
        today = local_date(services.clock.now(), team.zone if team else "UTC")
        keyboard = kb.starts_keyboard(action.team_id, action.value, action.number, today)
        await steps.say(context, chat_id, texts.CHOOSE_START, keyboard)
    else:
        await start_challenge(context, chat_id, user_id, action, _date_from(action.when))


def _check_step(context: AttuneContext, user_id: int, action: kb.TeamAction) -> None:
    """Every step re-checks: a facilitator of this team, choosing a real track."""
    context.services.teams.members(user_id, action.team_id)  # raises unless a facilitator
    if action.value not in context.services.library.tracks:
        raise ChallengeProblem("unknown_track")


def _date_from(compact: str) -> date | None:
    """``20260309`` to a date; ``0`` (or nonsense) means today."""
    try:
        return date(int(compact[:4]), int(compact[4:6]), int(compact[6:8]))
    except ValueError:
        return None


async def show_board(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """The team board (members only)."""
    view = context.services.challenges.board(user_id, team_id)
    if view is None:
        team = team_of(context, user_id, team_id)
        await steps.say(context, chat_id, texts.no_challenge(team.name if team else ""))
        return
    await steps.say(context, chat_id, texts.board(view))


async def show_stats(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """Per-day and per-member progress (facilitators only)."""
    view = context.services.challenges.stats(user_id, team_id)
    await steps.say(context, chat_id, texts.team_stats(view) if view else texts.NO_CHALLENGE_YET)


async def send_export(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """The same data as /teamstats, as a CSV file for records."""
    view = context.services.challenges.stats(user_id, team_id)
    if view is None:
        await steps.say(context, chat_id, texts.NO_CHALLENGE_YET)
        return
    name = re.sub(r"[^A-Za-z0-9]+", "-", view.challenge.team_name).strip("-").lower() or "team"
    await context.bot.send_document(
        chat_id, stats_csv(view), filename=f"{name}-{view.challenge.track_id}.csv"
    )


def stats_csv(view: StatsView) -> bytes:
    """One row per consenting member: totals, then 1/0 for each challenge day so far."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    days = [f"day {n} ({day.isoformat()})" for n, day, _ in view.per_day]
    writer.writerow(["member", "lessons completed", "current streak", *days])
    for member in view.members:
        marks = [int(n - 1 in member.days) for n, _, _ in view.per_day]
        writer.writerow([_safe_cell(member.first_name), member.completed, member.streak, *marks])
    return buffer.getvalue().encode()


def _safe_cell(text: str) -> str:
    """Keep a spreadsheet from reading a name as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


async def choose_counting(
    context: AttuneContext, chat_id: int, user_id: int, challenge_id: int
) -> None:
    """Make another running challenge the one that counts."""
    view = context.services.challenges.choose(user_id, challenge_id)
    await steps.say(context, chat_id, texts.counting_chosen(view.team_name))
