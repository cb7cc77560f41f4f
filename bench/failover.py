"""Failover: kill the sending worker mid-fan-out; how long until sending resumes, and
whether any lesson part or announcement was lost or doubled.

Two ``attune run`` workers share one SQLite database, with the production lease (20 s,
renewed every 5 s) and the production tick (20 s); the Bot API emulator sits between
them and "Telegram" (20 ms a request), and the rate limiter is on. Learners are due at
once and an announcement goes to all of them. When a quarter of the lesson messages are
out, the elected sender gets SIGKILL; the other worker must take the lease over and
resume, and the killed one is started again only after that. Measured: seconds from the
kill to the next lesson message at the emulator (target <= 30 s), then, once the day's
work is done, deliveries doubled or silently lost, by the crash harness's own checks
(target 0; a part that was on the wire at the kill is not resent, and its learner gets
the note offering the lesson again: that is counted apart, not as lost).

Baseline, same run: one worker killed the same way and restarted at once by a supervisor
(the single-process deployment). A restarted process has a new worker id, so it waits
for the killed one's lease to run out too.

    .venv/bin/python -m bench.failover [--learners 300] [--webhook] [--database postgresql]

``--webhook`` runs both workers in webhook mode behind the crash harness's round-robin
proxy while learners answer their quizzes; ``--database postgresql`` starts a local
PostgreSQL server for the run (each scenario on a new database).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `python bench/...py`

from bench.common import write_json  # noqa: E402
from tests.e2e.crash_fleet import FleetTrial, WebhookFleetTrial  # noqa: E402
from tests.e2e.crash_harness import LATENCY, Tally, trial_databases  # noqa: E402

TARGET_SECONDS = 30.0
GRACE = 0.5  # seconds after the kill for requests already on the wire to land


class FailoverTrial(FleetTrial):
    """A fleet trial with production timing and one measured kill of the sender."""

    LEASE_SECONDS = "20"
    TICK_SECONDS = "20"

    async def open(self) -> None:
        """What the fleet needs around it (the webhook fleet: its proxy and learners)."""

    async def close(self) -> None:
        pass

    async def measure(self, workers: int, tally: Tally) -> float:
        """Seconds from killing the sender to the next lesson message; then run to the
        end and check the day into ``tally``."""
        await self.emulator.start()
        await self.open()
        try:
            self.emulator.set_latency(LATENCY)
            self.seed()
            self.workers = self.workers[:workers]
            await self.ensure_running()
            total = 3 * len(self.learner_ids)
            if not await self.wait_for(lambda: self.sent()[0] >= total // 4, within=120):
                raise RuntimeError("the fan-out did not get under way")
            killed_at = await self.kill_sender(restart=workers == 1)
            tally.kills["lessons"] += 1
            tally.sender_kills += 1
            await asyncio.sleep(GRACE)
            after = self.sent()[0]
            if not await self.wait_for(lambda: self.sent()[0] > after, within=120):
                raise RuntimeError("sending never resumed")
            seconds = time.monotonic() - killed_at
            await self.run_to_the_end()
            self.check(tally)
            return seconds
        finally:
            await self.cleanup()
            await self.close()
            await self.emulator.stop()
            self.monitor.dispose()

    async def kill_sender(self, *, restart: bool) -> float:
        """SIGKILL the elected sender; start it again at once if ``restart``."""
        sender = self.sender_pid()
        slot = next(i for i, p in enumerate(self.workers) if p is not None and p.pid == sender)
        victim = self.workers[slot]
        assert victim is not None
        victim.kill()
        killed_at = time.monotonic()
        await victim.wait()
        self.workers[slot] = None
        if restart:
            await self.ensure_running()
        return killed_at


class WebhookFailoverTrial(FailoverTrial, WebhookFleetTrial):
    """The same, with both workers in webhook mode behind the proxy, learners answering."""

    async def open(self) -> None:
        await WebhookFleetTrial.open(self)

    async def close(self) -> None:
        await WebhookFleetTrial.close(self)


async def scenario(
    workers: int, learners: int, seed: int, trial: type[FailoverTrial], url: str | None
) -> dict[str, Any]:
    tally = Tally(workers=workers)
    with tempfile.TemporaryDirectory(prefix="attune-failover-") as tmp:
        run = trial(Path(tmp), learners, random.Random(seed), url)
        seconds = await run.measure(workers, tally)
    return {
        "workers": workers,
        "resumed_after_s": seconds,
        "doubled_or_lost": len(tally.problems),
        "problems": tally.problems,
        "tally": tally.lines(),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--webhook", action="store_true", help="behind a proxy, answering")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    trial = WebhookFailoverTrial if args.webhook else FailoverTrial
    mode = "webhook workers behind a proxy" if args.webhook else "polling"
    print(
        f"{args.learners} learners due at once (3 messages each) and an announcement to all; "
        f"lease 20 s renewed every 5 s; tick 20 s; rate limiter on (30 msg/s); "
        f"{mode}, on {args.database}"
    )
    with trial_databases(args.database) as database:
        results = run_scenarios(args, trial, database)
    write_json(args.json, results)
    return results


def run_scenarios(
    args: argparse.Namespace, trial: type[FailoverTrial], database: Callable[[Path], str] | None
) -> dict[str, Any]:
    """The baseline (one worker, restarted), then the fleet; print and return both."""
    results: dict[str, Any] = {}
    for name, workers in (("baseline: one worker, restarted at once", 1),
                          ("two workers, the sender killed", 2)):  # fmt: skip
        url = database(Path()) if database else None
        run = asyncio.run(scenario(workers, args.learners, args.seed, trial, url))
        results[f"workers_{workers}"] = run
        print(f"\n{name}")
        print(f"  sending resumed {run['resumed_after_s']:.1f} s after the kill")
        for line in run["tally"]:
            print(f"  {line}")
        for problem in run["problems"]:
            print(f"  PROBLEM {problem}")
    fleet = results["workers_2"]
    met = fleet["resumed_after_s"] <= TARGET_SECONDS and fleet["doubled_or_lost"] == 0
    results["verdict"] = "MET" if met else "MISSED"
    print(
        f"\ntarget: resumed <= {TARGET_SECONDS:.0f} s, 0 doubled or lost: "
        f"{fleet['resumed_after_s']:.1f} s, {fleet['doubled_or_lost']} -> {results['verdict']}"
    )
    return results


if __name__ == "__main__":
    main()
