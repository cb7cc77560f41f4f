"""Shared helpers: synthetic learners, the emulator in its own process, timing and memory.

Learners are bulk-inserted with SQLAlchemy core (the ORM would dominate set-up time at
100,000 rows) but through the real ``Learner`` table, so types, indexes and the schema
are exactly the bot's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.emulator import EmulatorClient
from bot.learning.schedule import Schedule, next_due_at
from bot.store.engine import Database
from bot.store.models import Learner

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
TOKEN = "123456789:AAHbenchTOKENbenchTOKENbenchTOKEN1"
# Monday 2 March 2026 (before any DST change), 07:30:10 UTC: a tick just after 07:30.
NOW = datetime(2026, 3, 2, 7, 30, 10, tzinfo=UTC)
TRACKS = (
    "cultural-humility",
    "trauma-informed-care",
    "burnout-prevention",
    "ethics-boundaries,telehealth-ethics",
    "cultural-humility,trauma-informed-care,burnout-prevention",
    "suicide-first-response,disability-neurodiversity",
)
# Where clinicians live (weights), and when they like their lesson (local time mixture).
ZONES = (
    ("America/New_York", 20),
    ("America/Chicago", 10),
    ("America/Los_Angeles", 10),
    ("America/Sao_Paulo", 5),
    ("Europe/London", 10),
    ("Europe/Berlin", 15),
    ("Africa/Lagos", 5),
    ("Asia/Kolkata", 10),
    ("Asia/Tokyo", 10),
    ("Australia/Sydney", 5),
)


# -- synthetic learners ------------------------------------------------------------------
def create_schema(url: str) -> Database:
    """Open ``url`` and bring its schema up the way the bot does (migrations if present)."""
    db = Database(url)
    try:
        from bot.store import schema  # newer code: Alembic owns the schema
    except ImportError:
        schema.upgrade(db.engine)
    else:
        schema.upgrade(db.engine)
    return db


@lru_cache(maxsize=100_000)
def _due(zone: str, minute: int, mask: int, after: datetime) -> datetime | None:
    days = frozenset(d for d in range(7) if mask >> d & 1)
    schedule = Schedule(clock_time(minute // 60, minute % 60), zone, days)
    return next_due_at(schedule, now=after, last_delivered=None, resume_on=None)


def _local_minute(rng: random.Random) -> int:
    """Mornings, lunch breaks and evenings; most people pick a round time."""
    roll = rng.random()
    if roll < 0.55:
        minute = rng.gauss(7 * 60 + 45, 45)
    elif roll < 0.75:
        minute = rng.gauss(12 * 60 + 30, 30)
    else:
        minute = rng.gauss(20 * 60, 60)
    minute = int(min(max(minute, 0), 1439))
    if rng.random() < 0.7:
        minute = minute - minute % 15
    return minute


def realistic_rows(
    n: int, now: datetime, *, first_id: int = 1, seed: int = 1, tick_window: float = 20
) -> list[dict[str, Any]]:
    """``n`` learners in many zones, next lessons spread over the coming day.

    As in a running bot, everyone's ``next_due_at`` is ahead of the previous tick
    (``now - tick_window``): only those whose slot fell since then are due at ``now``.
    About 10 % are stopped, blocked or not set up (``next_due_at`` NULL).
    """
    rng = random.Random(seed)
    zones = [zone for zone, _ in ZONES]
    weights = [weight for _, weight in ZONES]
    after = now - timedelta(seconds=tick_window)
    rows = []
    for i in range(n):
        zone = rng.choices(zones, weights)[0]
        minute = _local_minute(rng)
        mask = 127 if rng.random() < 0.8 else 0b0011111
        held = rng.random() < 0.1
        rows.append(
            _row(
                first_id + i,
                zone=zone,
                minute=minute,
                mask=mask,
                tracks=rng.choice(TRACKS),
                status=rng.choice(("stopped", "blocked", "active")) if held else "active",
                onboarded=not (held and rng.random() < 0.5),
                due=None if held else _due(zone, minute, mask, after),
                created=now - timedelta(days=rng.randint(1, 400)),
            )
        )
    return rows


def due_rows(
    n: int, due_at: datetime, *, first_id: int = 1, seed: int = 2
) -> list[dict[str, Any]]:
    """``n`` learners whose slot is ``due_at`` (their local time of that UTC instant)."""
    rng = random.Random(seed)
    zones = ("UTC", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "America/New_York")
    rows = []
    for i in range(n):
        zone = zones[i % len(zones)]
        local = due_at.astimezone(_zone(zone))
        rows.append(
            _row(
                first_id + i,
                zone=zone,
                minute=local.hour * 60 + local.minute,
                mask=127,
                tracks=rng.choice(TRACKS),
                status="active",
                onboarded=True,
                due=due_at,
                created=due_at - timedelta(days=30),
            )
        )
    return rows


def _zone(name: str) -> Any:
    from bot.learning.schedule import zone_info

    return zone_info(name)


def _row(
    learner_id: int,
    *,
    zone: str,
    minute: int,
    mask: int,
    tracks: str,
    status: str,
    onboarded: bool,
    due: datetime | None,
    created: datetime,
) -> dict[str, Any]:
    return {
        "id": learner_id,
        "chat_id": learner_id,
        "first_name": f"Clinician {learner_id}",
        "created_at": created,
        "tracks": tracks,
        "delivery_minute": minute,
        "zone": zone,
        "days_mask": mask,
        "onboarded": onboarded,
        "pending_step": None,
        "status": status,
        "resume_on": None,
        "next_due_at": due,
    }


def insert_learners(db: Database, rows: Iterable[dict[str, Any]], chunk: int = 20_000) -> int:
    """Bulk insert through SQLAlchemy core, in a few large transactions."""
    table = Learner.__table__  # type: ignore[attr-defined]
    count = 0
    batch: list[dict[str, Any]] = []
    with db.engine.begin() as connection:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                connection.execute(table.insert(), batch)
                count += len(batch)
                batch = []
        if batch:
            connection.execute(table.insert(), batch)
            count += len(batch)
    return count


def make_database(path: Path, rows: Iterable[dict[str, Any]]) -> Database:
    """A fresh database file at ``path`` holding ``rows``."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = create_schema(f"sqlite:///{path}")
    insert_learners(db, rows)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("ANALYZE")
    return db


def make_postgres_database(server: Any, name: str, rows: Iterable[dict[str, Any]]) -> Database:
    """A fresh PostgreSQL database ``name`` on ``server`` holding ``rows``, vacuumed and
    analysed as autovacuum would leave it."""
    server.drop_database(name)
    db = create_schema(server.create_database(name))
    insert_learners(db, rows)
    server.execute("VACUUM ANALYZE", database=name)
    return db


@contextlib.contextmanager
def postgres_server() -> Iterator[Any]:
    """A throwaway PostgreSQL server with its default durability (every commit flushed),
    started the way the tests start it (``tests/postgres.py``); ``None`` without its
    binaries, and the PostgreSQL figures are then left out."""
    from tests import postgres

    bindir = postgres.binaries()
    if bindir is None:
        print("PostgreSQL: no server binaries (apt-get install postgresql); figures left out")
        yield None
        return
    directory = Path(tempfile.mkdtemp(prefix="attune-bench-pg-"))
    with postgres.running(directory, bindir, durable=True) as server:
        yield server


# -- the emulator in another process -----------------------------------------------------
@dataclass
class EmulatorProcess:
    """``python -m bot.emulator`` on 127.0.0.1, so its CPU is not counted as ours."""

    process: subprocess.Popen[str]
    base_url: str
    control_url: str

    @classmethod
    def start(cls, module: str = "bot.emulator", *extra: str) -> EmulatorProcess:
        command = [sys.executable, "-m", module, "--port", "0", "--token", TOKEN, *extra]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert process.stdout is not None
        found: dict[str, str] = {}
        while len(found) < 2:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"the emulator exited early ({process.wait()})")
            key, _, value = line.strip().partition(": ")
            if key in ("base_url", "control_url"):
                found[key] = value
        return cls(process, found["base_url"], found["control_url"])

    async def command(self, **request: Any) -> Any:
        """One command to ``bench.emulator_driver`` (stdin/stdout JSON lines)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = await asyncio.to_thread(self.process.stdout.readline)
        if not line:
            raise RuntimeError("the emulator driver exited")
        return json.loads(line)["result"]

    def cpu_seconds(self) -> float:
        """User + system CPU the emulator process has used so far."""
        return process_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT: the emulator shuts down cleanly
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def add_users(control_url: str, user_ids: Iterable[int], concurrency: int = 16) -> None:
    """Create Telegram users (and their private chats) through the control API."""
    ids = list(user_ids)
    async with EmulatorClient(control_url) as client:
        gate = asyncio.Semaphore(concurrency)

        async def one(user_id: int) -> None:
            async with gate:
                await client.add_user(user_id, f"Clinician {user_id}")

        for start in range(0, len(ids), 2000):
            await asyncio.gather(*(one(i) for i in ids[start : start + 2000]))


# -- measuring ---------------------------------------------------------------------------
def process_cpu_seconds(pid: int | str = "self") -> float:
    """utime + stime of a process from /proc (every thread included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def memory_kib() -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of this process, in KiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


@contextlib.contextmanager
def measured() -> Iterator[dict[str, float]]:
    """Wall and process CPU seconds of the block (CPU of all this process's threads)."""
    result: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield result
    finally:
        result["wall"] = time.perf_counter() - wall
        result["cpu"] = time.process_time() - cpu


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench_arguments(
    doc: str, title: str, quick_help: str, argv: list[str] | None
) -> argparse.Namespace:
    """Every benchmark's flags (``--quick``, ``--json``), then its header and machine note."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    header(title)
    print(machine_note())
    return args


def header(title: str) -> None:
    print()
    print(f"== {title} " + "=" * max(0, 80 - len(title)))


def machine_note() -> str:
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load avg {' '.join(load)}; "
        "figures on a shared 2-core machine are noisy (other work may run alongside)"
    )


def write_json(path: str | None, data: dict[str, Any]) -> None:
    if path:
        Path(path).write_text(json.dumps(data, indent=2, default=str))
