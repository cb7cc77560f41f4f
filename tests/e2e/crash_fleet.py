"""Two `attune run` workers on one database; SIGKILL to either at random moments.

Same day, same learners, same announcement and the same three promises as
``crash_harness`` (no part twice; one delivery per learner per day; anyone missing a
part got the note or is reported), but two workers share the database: one elected
sender sends while the other waits to take over. A kill picks either worker at random
(the sender or the one waiting), at a random moment of the lesson fan-out or of the
announcement, and the killed worker is started again at once while the other carries on.

Telegram allows one ``getUpdates`` consumer, so worker 0 polls and worker 1 runs with
``ATTUNE_POLLING=0``: it handles no updates but runs the jobs, and sends when elected.
(Behind a webhook both would take updates; sending works the same either way.)

Run ``python -m tests.e2e.crash_harness --workers 2 --kills 50`` for the full count.
"""

from __future__ import annotations

import asyncio
import random
import signal
from pathlib import Path

from sqlalchemy import text

from tests.e2e.crash_harness import Tally, Trial

ROLES = ({}, {"ATTUNE_POLLING": "0"})  # worker 0 polls, worker 1 does not


class FleetTrial(Trial):
    """One database, two workers, several kills, then both run to the end."""

    WORKERS = 2

    def __init__(
        self, tmp: Path, learners: int, rng: random.Random, database_url: str | None = None
    ) -> None:
        super().__init__(tmp, learners, rng, database_url)
        self.workers: list[asyncio.subprocess.Process | None] = [None, None]

    async def cleanup(self) -> None:
        """A failed trial leaves no worker behind."""
        for process in self.workers:
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()

    async def ensure_running(self) -> None:
        """Start whichever worker is not running (it was killed), without waiting."""
        for slot, process in enumerate(self.workers):
            if process is None or process.returncode is not None:
                self.workers[slot] = await self.start(**ROLES[slot])

    async def kill_once(self, phase: str, tally: Tally) -> bool:
        """At a random moment of ``phase``, SIGKILL a random worker and start it again;
        whether the kill landed with work left. Kills come at most a quarter of the phase
        apart, so several land in each while the other worker carries on."""
        if self.phase_done(phase):
            return False
        await self.ensure_running()
        if not await self.random_moment(phase, span=0.25):
            return False
        slot = self.rng.randrange(len(self.workers))
        victim = self.workers[slot]
        assert victim is not None
        tally.sender_kills += victim.pid == self.sender_pid()
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
        self.workers[slot] = await self.start(**ROLES[slot])
        return True

    def sender_pid(self) -> int | None:
        """The process id of the elected sender (its worker id is ``host:pid:random``)."""
        with self.monitor.connect() as connection:
            owner = connection.execute(
                text("SELECT owner FROM lease WHERE name = 'sender'")
            ).scalar_one_or_none()
        return int(owner.split(":")[-2]) if owner else None

    async def run_to_the_end(self) -> None:
        """No more kills: both workers finish the day's work, then stop politely."""
        polls = len(self.emulator.requests("getUpdates"))
        await self.ensure_running()
        try:
            await self.finish(polls)
        finally:
            for process in self.workers:
                if process is not None:
                    await self.stop_politely(process)
