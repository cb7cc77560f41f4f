"""``attune demo``: the real bot, a local Bot API emulator and a terminal chat.

Alone (``solo``) the person at the terminal is a new learner; with ``--team``
(``team``) they facilitate a seeded clinic team whose simulated colleagues get their
lessons, answer and react through the same bot and emulator as they do.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.clock import OffsetClock
from bot.content.loader import ContentError
from bot.demo.cast import FACILITATOR
from bot.demo.solo import files_folder, play_solo
from bot.demo.stage import stage
from bot.demo.team import first_morning, play_team

# The team demo's director ticks the bot itself (so the colleagues act between ticks);
# the bot's own tick job is left with nothing to do in a demo's lifetime.
DIRECTOR_TICKS = 3600.0


def run_demo(
    first_name: str = "Sam",
    *,
    lessons_dir: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    files: Path | None = None,
    team: bool = False,
    seed: int = 7,
) -> int:
    """Run the demo until the person types ``quit`` (or input ends).

    With ``team`` the person facilitates a simulated team whose colleagues behave as
    ``seed`` decides. Files and pictures the bot sends are saved under ``files`` (a new
    temporary folder by default), which outlives the demo so an export can still be
    opened afterwards.
    """
    out = stdout or sys.stdout
    return asyncio.run(_demo(first_name, lessons_dir, stdin, out, files_folder(files), team, seed))


async def _demo(
    first_name: str,
    lessons_dir: Path | None,
    stdin: TextIO | None,
    out: TextIO,
    files: Path,
    team: bool,
    seed: int,
) -> int:
    if team:
        clock, ticks = (
            OffsetClock(first_morning(datetime.now(UTC), FACILITATOR.zone)),
            DIRECTOR_TICKS,
        )
    else:
        clock, ticks = OffsetClock(), 1.0
    with tempfile.TemporaryDirectory(prefix="attune-demo-") as workdir:
        try:
            async with stage(Path(workdir), lessons_dir, clock, tick_seconds=ticks) as on:
                if team:
                    await play_team(on, first_name, seed, stdin, out, files)
                else:
                    await play_solo(on, first_name, stdin, out, files)
        except ContentError as error:
            for problem in error.problems:
                print(problem, file=out)
            print(f"attune demo: {error}", file=out)
            return 1
    return 0
