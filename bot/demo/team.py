"""``attune demo --team``: you facilitate Riverside Clinic; your colleagues are simulated.

Everything is set up the way people would do it, through the bot: you finish onboarding
and create the team, the colleagues open its join link and agree (one without her name),
you link the staff-room group and start a two-week challenge. From then on the director
moves time and the colleagues act on what arrives in their chats.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TextIO

from bot.demo.cast import (
    CAST,
    CHALLENGE_DAYS,
    FACILITATOR,
    GROUP_ID,
    GROUP_TITLE,
    TEAM,
    TRACK,
    Person,
)
from bot.demo.colleagues import Simulated, onboard
from bot.demo.director import Director
from bot.demo.hands import Hands
from bot.demo.stage import Stage
from bot.emulator.terminal import TerminalChat
from bot.emulator.terminal_seats import Seat
from bot.learning.schedule import zone_info
from bot.telegram import texts

STARTS_AT = time(6, 30)  # the demo begins on a Monday morning, in the facilitator's zone


class SetupFailed(RuntimeError):
    """The bot did not answer a setup step as expected (its texts changed?)."""


def first_morning(now: datetime, zone: str) -> datetime:
    """The coming Monday at 06:30 in ``zone``: a week that starts at its beginning."""
    local = now.astimezone(zone_info(zone))
    monday = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(monday, STARTS_AT, zone_info(zone)).astimezone(UTC)


def facilitator(first_name: str) -> Person:
    return Person(first_name, FACILITATOR.user_id, FACILITATOR.zone, FACILITATOR.time,
                  FACILITATOR.days, FACILITATOR.note)  # fmt: skip


async def set_up(stage: Stage, you: Person, seed: int) -> Director:
    """Build the team through the bot, as its people would; the director that runs it."""
    hands, emulator = Hands(stage), stage.emulator
    for person in (you, *CAST):
        emulator.add_user(person.user_id, person.name)
    emulator.create_group(GROUP_ID, GROUP_TITLE, [p.user_id for p in (you, *CAST)])
    track_title = stage.services.library.tracks[TRACK].title
    await hands.say(you.user_id, "/start")
    await onboard(hands, you, track_title)
    created = await hands.say(you.user_id, f"/newteam {TEAM}")
    code, payload = re.search(r"Join code: (\S+)", created), re.search(r"start=(\S+)", created)
    if code is None or payload is None:
        raise SetupFailed(f"/newteam answered: {created}")
    header = texts.announcement_header(TEAM).strip()
    colleagues = [Simulated(who, seed, header) for who in CAST]
    for sim in colleagues:
        if sim.who.joins_on_day:
            sim.plan_joining(stage.clock.now())
        else:
            await sim.join(hands, payload[1], track_title)
    await hands.say(you.user_id, f"/linkteam {code[1]}", GROUP_ID)
    await hands.say(you.user_id, f"/challenge {TRACK} {CHALLENGE_DAYS}")
    return Director(hands, you, colleagues, (payload[1], track_title), lambda: you.user_id)


def seats(you: Person) -> list[Seat]:
    people = [Seat(you.name, you.user_id, you.note)]
    people.extend(Seat(c.name, c.user_id, c.note) for c in CAST)
    return [*people, Seat(GROUP_TITLE, GROUP_ID, "the group, linked to the team")]


async def play_team(
    stage: Stage, first_name: str, seed: int, stdin: TextIO | None, out: TextIO, files: Path
) -> None:
    """Set the team up, then chat (and switch seats) until ``quit``."""
    you = facilitator(first_name)
    print(f"Setting up {TEAM}...", file=out, flush=True)
    director = await set_up(stage, you, seed)
    chat = TerminalChat(
        stage.emulator,
        you.user_id,
        on_fast_forward=director.fast_forward,
        stdin=stdin,
        stdout=out,
        settle=stage.settle,
        files=files,
        seats=seats(you),
    )
    director.at_keyboard = lambda: chat.user_id
    now = texts.when(stage.clock.now(), you.zone)
    print(INTRO.format(name=you.name, now=now, zone=you.zone, files=files), file=out)
    heartbeat = asyncio.ensure_future(director.heartbeat())
    try:
        await chat.run(shown=2)  # the team created, the challenge set
    finally:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat


INTRO = f"""\
Attune team demo: you are {{name}}, facilitator of {TEAM}, chatting with the real bot
through a local Telegram emulator. Nothing leaves this machine.
Your colleagues are simulated: Maya, Tom, Priya and Omar have joined (Priya without her
name on the board); Lena joins on Wednesday. A {CHALLENGE_DAYS}-day challenge starts today,
and the team is linked to the group "{GROUP_TITLE}".
It is {{now}} ({{zone}}).
Try: ff 1d or ff 7d (time moves, colleagues act), /team, /teamstats, /export,
/announce, as (who is here), as Maya, in group, help, quit.
Files and pictures the bot sends are saved in {{files}}
"""
