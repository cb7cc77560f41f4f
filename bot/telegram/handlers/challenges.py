"""Challenge commands: start one (guided or typed), the board, stats, CSV, which counts."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import date

from bot.charts.completion import DayBar, completion_png
from bot.learning.challenges import longest
from bot.learning.schedule import local_date
from bot.services.base import Refusal
from bot.services.challenges import ChallengeProblem, MemberStats, StatsView
from bot.telegram import routes, texts
from bot.telegram import team_keyboards as kb
from bot.telegram.context import AttuneContext
from bot.telegram.handlers import steps
from bot.telegram.handlers.teams import team_of

TYPED = re.compile(r"^(?P<track>.+?)\s+(?P<days>\d{1,4})(?:\s+(?P<start>\d{4}-\d{2}-\d{2}))?$")


async def refuse(context: AttuneContext, chat_id: int, problem: Refusal) -> None:
    """Say why nothing was changed, with the track's size or the first possible day."""
    await steps.say(context, chat_id, texts.challenge_refusal(problem))


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
    days = int(match["days"])
    try:
        start = date.fromisoformat(match["start"]) if match["start"] else None
        if track_id is None:
            raise ChallengeProblem("unknown_track")
        context.services.challenges.check_length(track_id, days)
    except ValueError:
        await steps.say(context, chat_id, texts.CHALLENGE_USAGE)
        return
    except ChallengeProblem as problem:
        await refuse(context, chat_id, problem)
        return
    if len(team_ids) > 1:
        teams = [
            (t.id, t.name) for t in await context.read(context.services.teams.teams_of, user_id)
        ]
        choices = [(tid, name) for tid, name in teams if tid in team_ids]
        keyboard = kb.start_for_teams_keyboard(choices, track_id, days, start)
        text = texts.choose_team(len(choices), len(kb.capped(choices)))
        await steps.say(context, chat_id, text, keyboard)
        return
    ask = routes.ChallengeStart(team_ids[0], track_id, days, start)
    await start_challenge(context, chat_id, user_id, ask)


async def start_challenge(
    context: AttuneContext, chat_id: int, user_id: int, ask: routes.ChallengeStart
) -> None:
    """Start the challenge ``ask`` describes (the service checks every rule) and confirm."""
    try:
        view = await context.write(
            context.services.challenges.start,
            user_id,
            ask.team_id,
            ask.track_id,
            ask.days,
            ask.start,
        )
    except ChallengeProblem as problem:
        await refuse(context, chat_id, problem)
        return
    text = texts.challenge_started(
        view.track_title, view.days, view.start_date, view.team_name, view.deferred
    )
    await steps.say(context, chat_id, text)


ChallengeStep = routes.ChallengeTrack | routes.ChallengeLength | routes.ChallengeStart


async def open_challenge(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """The guided flow starts: which track (facilitators only)."""
    services = context.services
    await context.read(services.teams.members, user_id, team_id)  # raises unless a facilitator
    keyboard = kb.tracks_keyboard(team_id, services.library)
    await steps.say(context, chat_id, texts.CHOOSE_TRACK, keyboard)


async def challenge_step(
    context: AttuneContext, chat_id: int, user_id: int, route: ChallengeStep
) -> None:
    """The guided flow: track, then length, then start date; each step re-checked, and
    only lengths the track can fill and days every member can start on are offered."""
    services = context.services
    await context.read(
        services.teams.members, user_id, route.team_id
    )  # raises unless a facilitator
    track = services.library.tracks.get(route.track_id)
    if track is None:
        raise ChallengeProblem("unknown_track")
    if isinstance(route, routes.ChallengeTrack):
        lessons = len(track.lesson_ids)
        keyboard = kb.lengths_keyboard(route.team_id, track.id, lessons, longest(lessons))
        await steps.say(context, chat_id, texts.choose_length(track.title, lessons), keyboard)
    elif isinstance(route, routes.ChallengeLength):
        try:
            services.challenges.check_length(track.id, route.days)
        except ChallengeProblem as problem:
            await refuse(context, chat_id, problem)
            return
        team = await team_of(context, user_id, route.team_id)
        today = local_date(services.clock.now(), team.zone if team else "UTC")
        earliest = await context.read(services.challenges.earliest_start, user_id, route.team_id)
        keyboard = kb.starts_keyboard(route.team_id, track.id, route.days, today, earliest)
        await steps.say(context, chat_id, texts.choose_start(earliest, today), keyboard)
    else:
        await start_challenge(context, chat_id, user_id, route)


async def show_board(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """The team board (members only)."""
    view = await context.read(context.services.challenges.board, user_id, team_id)
    if view is None:
        team = await team_of(context, user_id, team_id)
        await steps.say(context, chat_id, texts.no_challenge(team.name if team else ""))
        return
    yours, keyboard = view.yours, None
    if yours is not None and not yours.counts_here:
        keyboard = kb.counting_keyboard(((yours.challenge_id, view.challenge.team_name),))
    tried = await context.read(context.services.practice.tried_shares, view.challenge.id)
    await steps.say(context, chat_id, texts.board(view) + texts.tried_shares(tried), keyboard)


async def show_stats(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """Per-day and per-member progress (facilitators only)."""
    view = await context.read(context.services.challenges.stats, user_id, team_id)
    if view is None:
        await steps.say(context, chat_id, texts.NO_CHALLENGE_YET)
        return
    tried = await context.read(context.services.practice.tried_shares, view.challenge.id)
    shares = texts.tried_shares(tried)
    await steps.say(context, chat_id, texts.team_stats(view) + shares)
    if any(d.had for d in view.per_day):  # a chart of nothing reached says nothing
        bars = [DayBar(f"Day {d.number}", d.done, d.had) for d in view.per_day]
        title = f"{view.challenge.team_name}: daily completion"
        picture = await asyncio.to_thread(completion_png, bars, title)
        caption = texts.completion_caption(view.challenge.team_name)
        await context.bot.send_photo(chat_id, picture, caption=caption)


async def send_export(context: AttuneContext, chat_id: int, user_id: int, team_id: int) -> None:
    """The same data as /teamstats, as a CSV file for records."""
    view = await context.read(context.services.challenges.stats, user_id, team_id)
    if view is None:
        await steps.say(context, chat_id, texts.NO_CHALLENGE_YET)
        return
    name = re.sub(r"[^A-Za-z0-9]+", "-", view.challenge.team_name).strip("-").lower() or "team"
    await context.bot.send_document(
        chat_id, stats_csv(view), filename=f"{name}-{view.challenge.track_id}.csv"
    )


def stats_csv(view: StatsView) -> bytes:
    """One row per consenting member: totals, then each challenge day so far: 1 done,
    0 missed, and empty when its lesson never reached them (joined later, paused, no
    lesson that weekday, or not yet sent today)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    days = [f"day {d.number} ({d.day.isoformat()})" for d in view.per_day]
    writer.writerow(["member", "lessons completed", "current streak", *days])
    for member in view.members:
        marks = [_mark(member, d.number - 1) for d in view.per_day]
        writer.writerow([_safe_cell(member.first_name), member.completed, member.streak, *marks])
    return buffer.getvalue().encode()


def _mark(member: MemberStats, day: int) -> str:
    """A member's cell for one challenge day."""
    if day in member.days:
        return "1"
    return "0" if day in member.offered else ""


# A spreadsheet reads a cell as a formula when it starts with = + - @, or with a tab or
# carriage return before one (OWASP CSV injection guidance): all get a leading quote.
FORMULA_START = re.compile(r"^[\t\r=+\-@]")


def _safe_cell(text: str) -> str:
    """Keep a spreadsheet from reading a name as a formula."""
    return f"'{text}" if FORMULA_START.match(text) else text


async def choose_counting(
    context: AttuneContext, chat_id: int, user_id: int, challenge_id: int
) -> None:
    """Make another running challenge the one that counts."""
    view = await context.write(context.services.challenges.choose, user_id, challenge_id)
    await steps.say(context, chat_id, texts.counting_chosen(view.team_name))
