"""Lateness: 10,000 learners due within one minute, the rate limiter on, the real bot.

Telegram lets a bot send about 30 messages/s, so 10,000 lessons of three messages each
cannot all arrive in their minute: the last part can go out no sooner than
messages ÷ 30 s after the first lesson was due. That is the floor Telegram imposes; this
measures how close the bot's last lesson comes to it (target: within 5 %).

The bot runs as in production (``build_application`` with its ``AIORateLimiter``, the
JobQueue's tick, the elected-sender lease, the system clock) in this process, against
``python -m bot.emulator`` in another.

**Scaled**, to keep the run short: the limiter lets out 30 × SCALE messages/s (SCALE 3
by default, so 90/s, about 6 minutes) and the tick runs every 20 ÷ SCALE s; the floor is
scaled the same way. The ratio to the floor does not depend on the scale while the bot's
CPU keeps up, which the figures show (the achieved rate against the limiter's, and our
CPU per message). On a shared 2-core machine SCALE 10 (300/s) was CPU-bound: 2.4x the
floor at 125 msg/s achieved. ``--scale 1`` runs the real thing (about 17 minutes).

``--paid`` turns on ``ATTUNE_PAID_BROADCAST``: every lesson part carries
``allow_paid_broadcast`` and PTB's limiter lets out Telegram's paid ceiling, 1,000
messages/s, unscaled. Then 30,000 messages take 30 s, less than the minute the learners
are due over, so the floor is the later of the two: the last learner's due time plus its
own three messages. What stands between the bot and that floor is the tick (a learner due
just after one waits for the next) and our CPU, which the figures show.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `python bench/...py`

from sqlalchemy import bindparam, func, update  # noqa: E402
from sqlmodel import col, select  # noqa: E402
from telegram.ext import AIORateLimiter  # noqa: E402

import bot.telegram.app as app_module  # noqa: E402
from bench.common import (  # noqa: E402
    LESSONS,
    TOKEN,
    EmulatorProcess,
    add_users,
    due_rows,
    make_database,
    measured,
    write_json,
)
from bot.clock import SystemClock  # noqa: E402
from bot.config import Secret, Settings  # noqa: E402
from bot.learning.content_notes import NOTE_SENT  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.store.models import Delivery, Learner, QuizPoll  # noqa: E402
from bot.telegram.app import build_application, build_services, start_bot, stop_bot  # noqa: E402

TELEGRAM_RATE = 30.0  # messages/s
PAID_RATE = 1000.0  # messages/s with allow_paid_broadcast
PRODUCTION_TICK = 20.0  # seconds
NOT_YET = timedelta(days=1)  # due times are set once the bot has started
LEAD = timedelta(seconds=1)  # from then to the first lesson due
TARGET = 1.05


async def run(
    learners: int, scale: float, tmp: Path, *, paid: bool = False, tick: float | None = None
) -> dict[str, Any]:
    rate = PAID_RATE if paid else TELEGRAM_RATE * scale
    tick = tick or PRODUCTION_TICK / scale
    make_database(tmp / "late.db", due_rows(learners, datetime.now(UTC) + NOT_YET)).dispose()
    with EmulatorProcess.start() as emulator:
        await add_users(emulator.control_url, range(1, learners + 1))
        settings = Settings(
            token=Secret(TOKEN),
            database_url=f"sqlite:///{tmp / 'late.db'}",
            api_base_url=emulator.base_url,
            lessons_dir=LESSONS,
            tick_seconds=tick,
            heartbeat_file=tmp / "heartbeat",
            paid_broadcast=paid,
        )
        services = build_services(settings, SystemClock())
        if not paid:  # the one change from production: the limiter's rate, scaled
            limiter = partial(AIORateLimiter, overall_max_rate=rate)
            app_module.AIORateLimiter = limiter  # type: ignore[misc]
        application = build_application(settings, services)
        await start_bot(application)
        due = await asyncio.to_thread(spread_over_a_minute, services, learners)
        deadline = time.monotonic() + 3 * (3 * learners / rate) + 120
        try:
            with measured() as cost:
                await wait_until_sent(services, learners, deadline)
        finally:
            await stop_bot(application)
    with services.db.session() as session:
        done = dict(
            session.exec(
                select(Delivery.learner_id, func.max(QuizPoll.sent_at))
                .join(QuizPoll, col(QuizPoll.delivery_id) == Delivery.id)
                .group_by(Delivery.learner_id)
            ).all()
        )
        parts = int(session.exec(select(func.sum(Delivery.parts_sent))).one() or 0)
        notes = int(
            session.exec(
                select(func.count()).select_from(Delivery).where(Delivery.state == NOTE_SENT)
            ).one()
        )
    services.db.dispose()
    # A content note is one message, not counted in ``parts_sent`` (no lesson part went).
    result = figures(due, done, parts + notes, rate, scale, cost)
    return {**result, "paid": paid, "tick_s": tick, "notes": notes}


def spread_over_a_minute(services: Services, learners: int) -> dict[int, datetime]:
    """Make the learners due evenly over the coming minute, starting in ``LEAD``."""
    first_due = datetime.now(UTC) + LEAD
    due = {
        i: first_due + timedelta(seconds=60 * (i - 1) / learners) for i in range(1, learners + 1)
    }
    with services.db.engine.begin() as connection:
        connection.execute(
            update(Learner)
            .where(col(Learner.id) == bindparam("learner"))
            .values(next_due_at=bindparam("due")),
            [{"learner": i, "due": at} for i, at in due.items()],
        )
    return due


async def wait_until_sent(services: Services, learners: int, deadline: float) -> None:
    """Read the database twice a second until every lesson is out (or time is up)."""
    while time.monotonic() < deadline:
        if sent(services) >= learners:
            return
        await asyncio.sleep(0.5)


def sent(services: Services) -> int:
    """How many lessons are out, every part, or as their content note (``NOTE_SENT``: a
    sensitive lesson goes out as the note alone, the lesson follows if the learner asks)."""
    with services.db.session() as session:
        query = (
            select(func.count())
            .select_from(Delivery)
            .where(col(Delivery.state).in_(("sent", NOTE_SENT)))
        )
        return int(session.exec(query).one())


def figures(
    due: dict[int, datetime],
    done: dict[int, datetime],
    messages: int,
    rate: float,
    scale: float,
    cost: dict[str, float],
) -> dict[str, Any]:
    first_due = min(due.values())
    last = max(done, key=lambda learner: done[learner])
    makespan = (done[last] - first_due).total_seconds()
    # The later of: every message at the limiter's rate; the last learner's own parts
    # right at its due time (binding only when the rate is paid broadcast's).
    spread = (max(due.values()) - first_due).total_seconds()
    floor = max(messages / rate, spread + 3 / rate)
    lateness = sorted((done[i] - due[i]).total_seconds() for i in done)
    return {
        "learners": len(due),
        "lessons_done": len(done),
        "messages": messages,
        "scale": scale,
        "rate": rate,
        "floor_s": floor,
        "last_done_after_first_due_s": makespan,
        "ratio": makespan / floor,
        "last_lesson_lateness_s": lateness[-1],
        "median_lateness_s": lateness[len(lateness) // 2],
        "cpu_ms_per_message": cost["cpu"] / messages * 1000,
        "wall_s": cost["wall"],
    }


def report(result: dict[str, Any]) -> None:
    scale = result["scale"]
    ceiling = "paid broadcast's ceiling" if result["paid"] else f"Telegram's 30 x scale {scale:g}"
    print(
        f"{result['learners']:,} learners due within one minute; "
        f"{result['lessons_done'] + result['notes']:,} "
        f"lessons done, {result['messages']:,} messages; limiter {result['rate']:.0f} msg/s "
        f"({ceiling}); tick every {result['tick_s']:g} s"
    )
    print(
        f"  of them {result['notes']:,} sensitive lessons out as their content note alone"
        " (no poll, so no send time stored: the timings below are over the lessons sent whole)"
    )
    if result["paid"]:
        scale = 1.0  # nothing was scaled
    print(
        f"  floor (messages / rate, or last due):   {result['floor_s']:8.1f} s"
        f"   (unscaled: {result['floor_s'] * scale:7.1f} s)"
    )
    print(
        f"  last part out, after the first due:     {result['last_done_after_first_due_s']:8.1f} s"
        f"   (unscaled: {result['last_done_after_first_due_s'] * scale:7.1f} s)"
    )
    print(
        f"  last lesson's lateness (after its due): {result['last_lesson_lateness_s']:8.1f} s;"
        f" median lesson's {result['median_lateness_s']:.1f} s"
    )
    print(
        f"  achieved: {result['messages'] / result['last_done_after_first_due_s']:.1f} msg/s "
        f"from the first due to the last part (the limiter allows {result['rate']:.0f})"
    )
    print(
        f"  our CPU {result['cpu_ms_per_message']:.2f} ms per message: "
        f"{result['cpu_ms_per_message'] * result['rate'] / 1000:.0%} of one core at this rate"
    )
    verdict = "MET" if result["ratio"] <= TARGET else "MISSED"
    result["verdict"] = verdict
    print(f"target: last part within 5% of the floor: {result['ratio']:.3f}x -> {verdict}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=3.0)
    parser.add_argument("--paid", action="store_true", help="allow_paid_broadcast, 1,000/s")
    parser.add_argument("--tick", type=float, help="seconds between ticks (default 20/scale)")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    scale = 1.0 if args.paid else args.scale
    with tempfile.TemporaryDirectory(prefix="attune-late-") as tmp:
        result = asyncio.run(run(args.learners, scale, Path(tmp), paid=args.paid, tick=args.tick))
    report(result)
    write_json(args.json, result)
    return result


if __name__ == "__main__":
    main()
