"""``attune demo``: the real bot, a local Bot API emulator and a terminal chat.

Alone (``solo``) the person at the terminal is a new learner; with ``--team``
(``team``) they facilitate a seeded clinic team whose simulated colleagues get their
lessons, answer and react through the same bot and emulator as they do.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot.clock import OffsetClock
from bot.content.loader import ContentError
from bot.demo.solo import files_folder, play_solo
from bot.demo.stage import stage


def run_demo(
    first_name: str = "Sam",
    *,
    lessons_dir: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    files: Path | None = None,
) -> int:
    """Run the demo until the person types ``quit`` (or input ends).

    Files and pictures the bot sends are saved under ``files`` (a new temporary folder
    by default), which outlives the demo so an export can still be opened afterwards.
    """
    return asyncio.run(_demo(first_name, lessons_dir, stdin, stdout or sys.stdout, files))


async def _demo(
    first_name: str,
    lessons_dir: Path | None,
    stdin: TextIO | None,
    out: TextIO,
    files: Path | None,
) -> int:
    with tempfile.TemporaryDirectory(prefix="attune-demo-") as workdir:
        try:
            async with stage(Path(workdir), lessons_dir, OffsetClock(), tick_seconds=1) as on:
                await play_solo(on, first_name, stdin, out, files_folder(files))
        except ContentError as error:
            for problem in error.problems:
                print(problem, file=out)
            print(f"attune demo: {error}", file=out)
            return 1
    return 0
