"""Kill `attune run` with SIGKILL at random moments of a lesson fan-out and an announcement.

The production entry point runs as a subprocess against the Bot API emulator in this
process. Learners are due at once and a facilitator's announcement goes to all of them;
the bot is killed at random moments while it sends, restarted on the same database, and
killed again, alternating between the lesson phase and the announcement phase. In the
end every chat is read back from the emulator.

Telegram has no idempotency key, so a request that was on the wire when the process died
may or may not have arrived; Attune never sends such a part again. What must hold:

- nothing doubled: no learner has two copies of any lesson part, note or announcement,
  and every learner has exactly one delivery row for the day;
- nothing silently lost: a learner missing part of the lesson has it recorded as
  uncertain and was sent the note offering it again (``LESSON_MAY_BE_MISSING``); a
  member without the announcement is reported to its author as "may not have arrived".

Run the full count with ``python -m tests.e2e.crash_harness --kills 50``; CI runs fewer.
``--workers 2`` runs two workers on one database instead (``crash_fleet``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import select

from bot.clock import SystemClock
from bot.config import Secret, Settings
from bot.content.model import Lesson
from bot.emulator import BotApiEmulator
from bot.emulator.models import StoredMessage
from bot.services.announcements import INTERRUPTED, Content
from bot.store.models import (
    AnnouncementDelivery,
    Delivery,
    Learner,
    Membership,
)
from bot.telegram import texts
from bot.telegram.app import build_services
from tests.e2e.harness import LESSONS, TOKEN, spawn_attune

FACILITATOR = 7000
NOTICE = "Crash drill: the team meeting moves to Thursday."
RATE = 30.0  # messages/s the rate limiter allows: how fast the bot works through its queue
LATENCY = 0.02  # seconds the emulator takes per request, like a nearby Bot API
DB_POLL = 0.02  # seconds between reads of the database while waiting on it
# A restarted worker has a new id: it waits for the killed one's leases to run out before
# it sends or resumes (20 s in production; short here, so kills are not mostly waiting).
LEASE_SECONDS = "0.5"


@dataclass
class Tally:
    """What the kills did, summed over trials."""

    kills: Counter[str] = field(default_factory=Counter)
    learners: int = 0
    complete: int = 0
    uncertain: int = 0
    missing_then_noted: int = 0
    noted_though_complete: int = 0
    announcement_copies: int = 0
    announcement_uncertain: int = 0
    announcement_missing: int = 0
    sender_kills: int = 0  # with several workers: kills of the one elected to send
    workers: int = 1
    answers: int = 0  # quiz answers learners gave during the trial (webhook fleet)
    served: Counter[str] = field(default_factory=Counter)  # worker -> webhook requests
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        total = sum(self.kills.values())
        which = f"; {self.sender_kills} of the elected sender" if self.workers > 1 else ""
        return [
            f"kills: {total} ({self.kills['lessons']} during the lesson fan-out, "
            f"{self.kills['announcement']} during the announcement{which})",
            f"learners: {self.learners}; every part exactly once: {self.complete}",
            f"deliveries with a part in flight at a kill: {self.uncertain} "
            f"(part missing, learner sent the note: {self.missing_then_noted}; "
            f"all parts arrived, note sent anyway: {self.noted_though_complete})",
            f"announcement: {self.announcement_copies} members got one copy; "
            f"{self.announcement_uncertain} reported 'may not have arrived' "
            f"({self.announcement_missing} of them really missing it)",
            *self.webhook_lines(),
            f"doubled or silently lost: {len(self.problems)}",
        ]

    def webhook_lines(self) -> list[str]:
        """With workers behind a webhook proxy: what the learners sent while kills landed."""
        if not self.served:
            return []
        shares = ", ".join(f"{worker}: {n}" for worker, n in sorted(self.served.items()))
        return [
            f"webhook requests answered by each worker: {shares}",
            f"quiz answers given during the kills: {self.answers}, each recorded once "
            "unless listed below",
        ]


class Trial:
    """One database, one day, several kills, then a final run to the end."""

    WORKERS = 1
    LEASE_SECONDS = LEASE_SECONDS
    TICK_SECONDS = "0.2"

    def __init__(
        self, tmp: Path, learners: int, rng: random.Random, database_url: str | None = None
    ) -> None:
        self.tmp, self.rng = tmp, rng
        self.learner_ids = list(range(FACILITATOR + 1, FACILITATOR + 1 + learners))
        self.emulator = BotApiEmulator(TOKEN)
        self.titles: set[str] = set()  # the library's lesson titles, once seeded
        self.log = tmp / "attune.log"
        self.settings = Settings(
            token=Secret(TOKEN),
            database_url=database_url or f"sqlite:///{tmp / 'crash.db'}",
            lessons_dir=LESSONS,
            heartbeat_file=tmp / "heartbeat",
        )
        # Read as a monitoring query would, without the bot's code (any database).
        self.monitor = create_engine(self.settings.database_url)

    async def run(self, kills: int, tally: Tally) -> None:
        await self.emulator.start()
        try:
            self.emulator.set_latency(LATENCY)
            self.seed()
            landed = Counter[str]()
            for _attempt in range(4 * kills):
                lessons_left = not self.phase_done("lessons")
                phase = (
                    "lessons"
                    if lessons_left and landed["lessons"] < kills / 2
                    else ("announcement")
                )
                if sum(landed.values()) >= kills or self.phase_done("announcement"):
                    break
                if await self.kill_once(phase, tally):
                    landed[phase] += 1
            tally.kills.update(landed)
            await self.run_to_the_end()
            problems = len(tally.problems)
            self.check(tally)
            if len(tally.problems) > problems:
                self.keep_log(tally)
        finally:
            await self.cleanup()
            await self.emulator.stop()
            self.monitor.dispose()

    def keep_log(self, tally: Tally) -> None:
        """Copy the workers' log out of the trial's directory, which is about to go."""
        kept = Path(tempfile.gettempdir()) / f"attune-crash-{time.time_ns()}.log"
        shutil.copyfile(self.log, kept)
        tally.problems.append(f"the workers' log is kept at {kept}")

    async def cleanup(self) -> None:
        """Whatever a failed trial left running (here nothing: each kill waits its process)."""

    def seed(self) -> None:
        """Learners due now, all in one team, and an announcement to them, ready to go."""
        services = build_services(self.settings, SystemClock())
        self.titles = {lesson.title for lesson in services.library.lessons.values()}
        now = datetime.now(UTC)
        with services.db.session() as session:
            for user_id in (FACILITATOR, *self.learner_ids):
                self.emulator.add_user(user_id, f"L{user_id}")
                session.add(
                    Learner(
                        id=user_id, chat_id=user_id, first_name=f"L{user_id}", created_at=now,
                        tracks="cultural-humility", delivery_minute=0, zone="UTC",
                        onboarded=True, next_due_at=now - timedelta(seconds=1),
                    )
                )  # fmt: skip
        team = services.teams.create(FACILITATOR, "Crash Clinic")
        with services.db.session() as session:
            for user_id in self.learner_ids:
                session.add(Membership(team_id=team.id, learner_id=user_id, state="active"))
        draft = services.announcements.draft(FACILITATOR, team.id, Content("text", NOTICE))
        services.announcements.send_now(FACILITATOR, draft.id)
        services.db.dispose()

    def sent(self) -> tuple[int, int]:
        """Lesson messages and announcement copies the emulator has accepted so far.

        Read from the emulator's own store, not through its copying readers: the waits
        below re-check this on every request the bot makes.
        """
        lessons = notices = 0
        for user_id in self.learner_ids:
            for message in self.emulator.world.messages.get(user_id, []):
                if not message.from_bot:
                    continue
                if NOTICE in (message.text or ""):
                    notices += 1
                elif self.lesson_part(message):
                    lessons += 1
        return lessons, notices

    def lesson_part(self, message: StoredMessage) -> bool:
        """A lesson's text, one of its quiz polls, or the note after an interruption; not
        a reply to a learner's answer ("That's today done")."""
        text = message.text or ""
        return (
            message.poll is not None
            or text.split("\n", 1)[0] in self.titles
            or text == texts.LESSON_MAY_BE_MISSING
        )

    async def kill_once(self, phase: str, tally: Tally) -> bool:
        """Start the bot, wait until ``phase`` is under way, kill it at a random moment.

        Returns whether the kill landed while the phase had work left.
        """
        if self.phase_done(phase):
            return False
        process = await self.start()
        try:
            return await self.random_moment(phase) and process.returncode is None
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGKILL)
            await process.wait()

    async def random_moment(self, phase: str, *, span: float = 1.0) -> bool:
        """Wait until ``phase`` is under way, then until a random moment of it; whether
        the phase still has work left then.

        The moment is drawn as a message of the phase still to come (any one of the
        next ``span`` of the phase, evenly) and a point between it and the next, so
        every kill lands while the phase has work left, however fast the bot sends.
        """
        index = 0 if phase == "lessons" else 1
        learners = len(self.learner_ids)
        total = learners * 3 if phase == "lessons" else learners
        within = 15 + 4 * learners / RATE
        before = self.sent()[index]
        started = await self.wait_for(
            lambda: self.sent()[index] > before or self.phase_done(phase), within
        )
        if not started or self.phase_done(phase):
            return False
        sent = self.sent()[index]
        target = sent + self.rng.randrange(max(min(total - sent, int(total * span)), 1))
        await self.wait_for(lambda: self.sent()[index] >= target or self.phase_done(phase), within)
        await asyncio.sleep(self.rng.uniform(0, 1 / RATE))
        return not self.phase_done(phase)

    async def run_to_the_end(self) -> None:
        """No more kills: let the bot finish the day's work, then stop it politely."""
        started = self.started_count()
        process = await self.start()
        try:
            await self.finish(started)
        finally:
            await self.stop_politely(process)

    def started_count(self) -> int:
        """How many starts the emulator has seen: a polling bot has started once it polls."""
        return len(self.emulator.requests("getUpdates"))

    async def finish(self, started: int) -> None:
        """Wait for a start after the first ``started``, then for the day's work.

        SIGINT waits until the bot has started: before that, Python's default handler is
        the only one and the signal can be lost inside start-up.
        """
        await self.wait_for(lambda: self.started_count() > started, within=30)
        finished = await self.wait_for(
            lambda: self.phase_done("lessons") and self.phase_done("announcement"),
            within=30 + 5 * len(self.learner_ids) / RATE,
        )
        await self.emulator.wait_until_delivered(timeout=30 + len(self.learner_ids) / RATE)
        assert finished, "the bot did not finish the day's work after the last restart"

    async def stop_politely(self, process: asyncio.subprocess.Process) -> None:
        """SIGINT, as a shutdown would; fail with the log's tail if it is ignored."""
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            process.kill()
            tail = self.log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"attune run ignored SIGINT:\n{tail}") from None

    def phase_done(self, phase: str) -> bool:
        """Whether every lesson (or the announcement) is settled, read straight from the
        database."""
        query = (
            "SELECT count(*) FROM delivery WHERE state != 'claimed'"
            if phase == "lessons"
            else "SELECT count(*) FROM announcement WHERE state = 'sent'"
        )
        wanted = len(self.learner_ids) + 1 if phase == "lessons" else 1
        with self.monitor.connect() as connection:
            return int(connection.execute(text(query)).scalar_one()) >= wanted

    async def start(self, **env: str) -> asyncio.subprocess.Process:
        with self.log.open("ab") as log:  # the child keeps its own copy of the descriptor
            return await spawn_attune(
                self.emulator.port, self.tmp, self.settings.database_url,
                tick_seconds=self.TICK_SECONDS, stderr=log,
                ATTUNE_LEASE_SECONDS=self.LEASE_SECONDS, **env,
            )  # fmt: skip

    async def wait_for(self, condition: Callable[[], bool], within: float) -> bool:
        """Wait until ``condition`` holds or ``within`` seconds pass.

        It is re-checked whenever the emulator's state changes (a request arrives or
        ends, a message is stored) and every ``DB_POLL`` seconds, for the database
        (written by another process, with no event to wait on).
        """
        deadline = time.monotonic() + within
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await self.emulator.world.changed.wait_for(condition, min(remaining, DB_POLL))
        return True

    def check(self, tally: Tally) -> None:
        """Read every chat back and hold it against the database."""
        services = build_services(self.settings, SystemClock())
        library = services.library
        with services.db.session() as session:
            deliveries = {d.learner_id: d for d in session.exec(select(Delivery)).all()}
            rows = session.exec(select(AnnouncementDelivery)).all()
            counts = Counter(d.learner_id for d in session.exec(select(Delivery)).all())
        services.db.dispose()
        announcement_rows = {row.learner_id: row for row in rows}
        for user_id in self.learner_ids:
            tally.learners += 1
            delivery = deliveries.get(user_id)
            if delivery is None or counts[user_id] != 1:
                tally.problems.append(f"{user_id}: {counts[user_id]} deliveries for the day")
                continue
            lesson = library.lessons[delivery.lesson_id]
            messages = self.emulator.bot_messages(user_id)
            self.check_lesson(tally, user_id, lesson, delivery, messages)
            self.check_notice(tally, user_id, announcement_rows.get(user_id), messages)

    @staticmethod
    def check_lesson(
        tally: Tally,
        user_id: int,
        lesson: Lesson,
        delivery: Delivery,
        messages: list[StoredMessage],
    ) -> None:
        title = lesson.title
        questions = [q.text for q in lesson.questions]
        got = Counter(
            "text" if (m.text or "").startswith(title) and m.poll is None
            else m.poll["question"] if m.poll is not None
            else "note" if m.text == texts.LESSON_MAY_BE_MISSING
            else "other"
            for m in messages
        )  # fmt: skip
        parts = ["text", *questions]
        doubled = [part for part in (*parts, "note") if got[part] > 1]
        if doubled:
            tally.problems.append(f"{user_id}: doubled {doubled}")
        missing = [part for part in parts if got[part] == 0]
        if delivery.uncertain:
            tally.uncertain += 1
        if not missing:
            tally.complete += not got["note"]
            tally.noted_though_complete += bool(got["note"])
        elif delivery.uncertain and got["note"] == 1:
            tally.missing_then_noted += 1
        else:
            tally.problems.append(f"{user_id}: missing {missing} without the note")

    @staticmethod
    def check_notice(
        tally: Tally,
        user_id: int,
        row: AnnouncementDelivery | None,
        messages: list[StoredMessage],
    ) -> None:
        copies = sum(NOTICE in (m.text or "") for m in messages)
        uncertain = row is not None and row.reason == INTERRUPTED
        tally.announcement_uncertain += uncertain
        if copies > 1:
            tally.problems.append(f"{user_id}: {copies} copies of the announcement")
        elif copies == 1:
            tally.announcement_copies += 1
        elif uncertain:
            tally.announcement_missing += 1
        else:
            tally.problems.append(f"{user_id}: announcement lost without a word")


async def run_trials(
    kills: int,
    learners: int,
    seed: int,
    per_trial: int = 6,
    *,
    trial: type[Trial] = Trial,
    database: Callable[[Path], str] | None = None,
) -> Tally:
    """``kills`` kill points spread over trials of ``per_trial`` kills each.

    ``trial`` is ``Trial`` (one worker) or ``crash_fleet.FleetTrial`` (two); ``database``
    gives each trial's empty database URL (default: a SQLite file in its directory).
    """
    tally, rng = Tally(workers=trial.WORKERS), random.Random(seed)
    while sum(tally.kills.values()) < kills:
        with tempfile.TemporaryDirectory(prefix="attune-crash-") as tmp:
            wanted = min(per_trial, kills - sum(tally.kills.values()))
            url = database(Path(tmp)) if database else None
            await trial(Path(tmp), learners, rng, url).run(wanted, tally)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--workers", type=int, choices=(1, 2), default=1)
    parser.add_argument("--webhook", action="store_true", help="two workers behind a proxy")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    started = time.monotonic()
    trial = chosen_trial(args.workers, args.webhook)
    with trial_databases(args.database) as database:
        tally = asyncio.run(
            run_trials(args.kills, args.learners, args.seed, trial=trial, database=database)
        )
    for line in tally.lines():
        sys.stdout.write(line + "\n")
    for problem in tally.problems:
        sys.stdout.write(f"PROBLEM {problem}\n")
    shown = f"{trial.__name__} on {args.database}"
    sys.stdout.write(f"{shown}; seed {args.seed}; {time.monotonic() - started:.0f} s\n")
    return 1 if tally.problems else 0


def chosen_trial(workers: int, webhook: bool) -> type[Trial]:
    """One worker, two polling workers, or two webhook workers behind a proxy."""
    if workers == 1 and not webhook:
        return Trial
    from tests.e2e.crash_fleet import FleetTrial, WebhookFleetTrial  # noqa: PLC0415 - builds on this

    return WebhookFleetTrial if webhook else FleetTrial


@contextmanager
def trial_databases(backend: str) -> Iterator[Callable[[Path], str] | None]:
    """Each trial's empty database: a SQLite file (``None``), or a new database on a
    PostgreSQL server started for the run."""
    if backend == "sqlite":
        yield None
        return
    from tests import postgres  # noqa: PLC0415 - only this backend needs the server

    bindir = postgres.binaries()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries (initdb, postgres) on this machine")
    names = itertools.count()
    with postgres.running(Path(tempfile.mkdtemp(prefix="attune-pg-")), bindir) as server:
        yield lambda _tmp: server.create_database(f"crash_{next(names)}")


if __name__ == "__main__":
    sys.exit(main())
