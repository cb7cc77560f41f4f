"""SIGKILL at random moments of a lesson fan-out and an announcement (``crash_harness``).

CI runs a reduced count; ``python -m tests.e2e.crash_harness --kills 50`` runs the full
one and prints the same tally (``--workers 2``: two workers on one database; ``--webhook``
behind a proxy; ``--database postgresql`` on a server it starts).

The kill moments come from a seed: ``ATTUNE_CRASH_SEED`` (``random`` draws one), else a
fixed default, so CI kills at the same points every run. The seed is printed and is in
every failure report; set it to replay a failure.
"""

from __future__ import annotations

import itertools
import os
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.crash_fleet import FleetTrial, WebhookFleetTrial
from tests.e2e.crash_harness import Tally, run_trials
from tests.postgres import PostgresServer

KILLS = int(os.environ.get("ATTUNE_CRASH_KILLS", "8"))
FLEET_KILLS = int(os.environ.get("ATTUNE_CRASH_FLEET_KILLS", "4"))
DEFAULT_SEED = "20260302"


def crash_seed() -> int:
    chosen = os.environ.get("ATTUNE_CRASH_SEED", DEFAULT_SEED)
    return random.randrange(1_000_000) if chosen == "random" else int(chosen)


async def test_kills_during_sending_neither_double_nor_silently_lose() -> None:
    seed = crash_seed()
    sys.stdout.write(f"crash test seed {seed} (replay with ATTUNE_CRASH_SEED={seed})\n")
    tally = await run_trials(KILLS, learners=40, seed=seed)
    assert_kept_promises(tally, KILLS, seed)


async def test_killing_either_of_two_polling_workers_neither_doubles_nor_loses() -> None:
    """Two workers on one SQLite file, one polling (``crash_fleet.FleetTrial``)."""
    seed = crash_seed()
    sys.stdout.write(f"crash test seed {seed} (replay with ATTUNE_CRASH_SEED={seed})\n")
    tally = await run_trials(FLEET_KILLS, learners=40, seed=seed, trial=FleetTrial)
    assert_kept_promises(tally, FLEET_KILLS, seed)


@pytest.mark.both_databases
async def test_killing_either_webhook_worker_behind_a_proxy_loses_and_doubles_nothing(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """The fleet as deployed: two webhook workers behind a round-robin proxy, learners
    answering their quizzes while the kills land; on PostgreSQL, each trial on a new
    database of the session's server."""
    seed = crash_seed()
    sys.stdout.write(f"crash test seed {seed} (replay with ATTUNE_CRASH_SEED={seed})\n")
    database = None
    if backend == "postgresql":
        database = new_databases(request.getfixturevalue("postgres_server"), f"crash_{seed}")
    tally = await run_trials(
        FLEET_KILLS, learners=40, seed=seed, trial=WebhookFleetTrial, database=database
    )
    assert_kept_promises(tally, FLEET_KILLS, seed)
    assert tally.answers > 0 and all(tally.served.values()), tally.lines()


def new_databases(server: PostgresServer, prefix: str) -> Callable[[Path], str]:
    """Each trial's own empty database on the session's server."""
    names = itertools.count()
    return lambda _tmp: server.create_database(f"{prefix}_{next(names)}")


def assert_kept_promises(tally: Tally, kills: int, seed: int) -> None:
    report = "\n".join([*tally.lines(), *tally.problems, f"seed {seed}"])
    assert not tally.problems, report
    assert sum(tally.kills.values()) >= kills, report
    assert tally.kills["lessons"] and tally.kills["announcement"], report
    assert tally.complete + tally.noted_though_complete + tally.missing_then_noted == (
        tally.learners
    ), report
