"""Two `attune run` workers on one database; SIGKILL to either at random moments.

Same day, same learners, same announcement and the same three promises as
``crash_harness`` (no part twice; one delivery per learner per day; anyone missing a
part got the note or is reported), but two workers share the database: one elected
sender sends while the other waits to take over. A kill picks either worker at random
(the sender or the one waiting), at a random moment of the lesson fan-out or of the
announcement, and the killed worker is started again at once while the other carries on.

``FleetTrial`` polls: Telegram allows one ``getUpdates`` consumer, so worker 0 polls and
worker 1 runs with ``ATTUNE_POLLING=0`` (no updates, but the jobs, and it sends when
elected). ``WebhookFleetTrial`` is the deployment the README describes: both workers in
webhook mode behind a round-robin proxy (``proxy.py``), on PostgreSQL in CI, while the
learners answer their quizzes as the lessons reach them. It adds a fourth promise: every
answer a learner gave is recorded exactly once, whichever worker took it or died with it.

Run ``python -m tests.e2e.crash_harness --workers 2 [--webhook] --kills 50``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
from pathlib import Path

from sqlalchemy import text

from tests.e2e.crash_harness import Tally, Trial
from tests.e2e.proxy import RoundRobinProxy
from tests.e2e.worker_harness import PATH, SECRET, free_port

ROLES = ({}, {"ATTUNE_POLLING": "0"})  # worker 0 polls, worker 1 does not
ANSWER_EVERY = 0.05  # seconds between the learners' looks at their chats


class FleetTrial(Trial):
    """One database, two workers, several kills, then both run to the end."""

    WORKERS = 2

    def __init__(
        self, tmp: Path, learners: int, rng: random.Random, database_url: str | None = None
    ) -> None:
        super().__init__(tmp, learners, rng, database_url)
        self.workers: list[asyncio.subprocess.Process | None] = [None, None]

    def role(self, slot: int) -> dict[str, str]:
        """The environment that makes worker ``slot`` what it is in this fleet."""
        return ROLES[slot]

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
                self.workers[slot] = await self.start(**self.role(slot))

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
        self.workers[slot] = await self.start(**self.role(slot))
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
        started = self.started_count()
        await self.ensure_running()
        try:
            await self.finish(started)
        finally:
            for process in self.workers:
                if process is not None:
                    await self.stop_politely(process)


class WebhookFleetTrial(FleetTrial):
    """Both workers take updates by webhook behind one proxy; learners answer meanwhile."""

    def __init__(
        self, tmp: Path, learners: int, rng: random.Random, database_url: str | None = None
    ) -> None:
        super().__init__(tmp, learners, rng, database_url)
        self.ports = [free_port(), free_port()]
        self.proxy = RoundRobinProxy([f"http://127.0.0.1:{port}" for port in self.ports])
        self._crowd: asyncio.Task[None] | None = None

    def role(self, slot: int) -> dict[str, str]:
        return {
            "ATTUNE_WEBHOOK_URL": f"http://127.0.0.1:{self.proxy.port}{PATH}",
            "ATTUNE_WEBHOOK_SECRET": SECRET,
            "ATTUNE_LISTEN": f"127.0.0.1:{self.ports[slot]}",
        }

    async def run(self, kills: int, tally: Tally) -> None:
        await self.open()
        try:
            await super().run(kills, tally)
            for slot, port in enumerate(self.ports):
                tally.served[f"worker {slot}"] += self.proxy.served[f"http://127.0.0.1:{port}"]
        finally:
            await self.close()

    async def open(self) -> None:
        """The proxy in front, and the learners at their phones."""
        await self.proxy.start()
        self._crowd = asyncio.create_task(self.learners_answer(), name="learners")

    async def close(self) -> None:
        if self._crowd is not None:
            self._crowd.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._crowd
        await self.proxy.stop()

    async def learners_answer(self) -> None:
        """Each learner answers each quiz question soon after it arrives (rightly or not)."""
        while True:
            for poll in self.emulator.polls():
                if poll.chat_id in self.learner_ids and poll.chat_id not in poll.votes:
                    self.emulator.answer_poll(
                        poll.chat_id, poll.id, [self.rng.randrange(len(poll.options))]
                    )
            await asyncio.sleep(ANSWER_EVERY)

    def started_count(self) -> int:
        """A worker in webhook mode has started once it registered the webhook."""
        return len(self.emulator.requests("setWebhook"))

    async def finish(self, started: int) -> None:
        await super().finish(started)
        assert self._crowd is not None
        self._crowd.cancel()  # no new answers; those given must all be recorded
        with contextlib.suppress(asyncio.CancelledError):
            await self._crowd
        await self.wait_for(lambda: not self.unrecorded_votes(), within=15)

    def unrecorded_votes(self) -> list[tuple[str, int]]:
        """(poll, learner) of every vote the emulator holds without an ``answer`` row."""
        with self.monitor.connect() as connection:
            recorded = {
                str(poll_id): int(count)
                for poll_id, count in connection.execute(
                    text(
                        "SELECT q.poll_id, count(a.id) FROM quizpoll q JOIN answer a"
                        " ON a.delivery_id = q.delivery_id AND a.question_id = q.question_id"
                        " GROUP BY q.poll_id"
                    )
                )
            }
        return [
            (poll.id, voter)
            for poll in self.emulator.polls()
            for voter in poll.votes
            if voter in self.learner_ids and recorded.get(poll.id, 0) != 1
        ]

    def check(self, tally: Tally) -> None:
        super().check(tally)
        votes = [
            (poll.id, voter)
            for poll in self.emulator.polls()
            for voter in poll.votes
            if voter in self.learner_ids
        ]
        tally.answers += len(votes)
        for poll_id, voter in self.unrecorded_votes():
            tally.problems.append(f"{voter}: answer to poll {poll_id} not recorded once")
