"""Quiz answers: throughput and latency from a vote queued in the emulator to its stored row.

1,000 learners have had three days of lessons (two quiz polls a day, the polls created by
the emulator's own sendPoll code, the matching ``Delivery`` and ``QuizPoll`` rows written
directly); they then answer 5,000 polls at a paced ~200 answers/s, day by day, so every
second answer completes a day (streak replay plus a "day complete" message).

* t0: ``time.monotonic()`` in the emulator process just before the vote is queued (the
  ``poll`` and ``poll_answer`` updates the real Telegram would send);
* t1: ``time.monotonic()`` in the bot's process when ``Answers.record`` returns, i.e. the
  ``Answer`` row is committed (the service is wrapped, nothing else changes).

Baseline (same run, same emulator, same votes): a bare PTB ``Application`` whose only
handler is a ``PollAnswerHandler`` that notes the time it received the answer. The bot
runs with the rate limiter off (its own cost) at 200/s; then 1,000 answers at 50/s with
1,000 and (not with --quick) 100,000 learners in the database; then the production
configuration (limiter on) at 200/s over 1,000 answers (not with --quick). Each run starts
on a fresh database after 20 warm-up answers. Target: p99 < 50 ms at 200 answers/s.

Then the same 200/s run on PostgreSQL (a local server with its default durability, which
this script starts as the tests do), where every answer is written from a worker thread.
"""

from __future__ import annotations

import asyncio
import gc
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `python bench/answers.py`

from telegram import Update  # noqa: E402
from telegram.ext import ApplicationBuilder, ContextTypes, PollAnswerHandler  # noqa: E402

from bench.common import (  # noqa: E402
    LESSONS,
    NOW,
    TOKEN,
    EmulatorProcess,
    bench_arguments,
    due_rows,
    make_database,
    make_postgres_database,
    median,
    percentile,
    postgres_server,
    realistic_rows,
    write_json,
)
from bot.clock import ManualClock  # noqa: E402
from bot.config import Secret, Settings  # noqa: E402
from bot.content.model import Library  # noqa: E402
from bot.learning.schedule import local_date  # noqa: E402
from bot.store.models import Delivery, QuizPoll  # noqa: E402
from bot.telegram.app import build_application, build_services, start_bot, stop_bot  # noqa: E402

RATE = 200.0
SLOW = 50.0
WARM_UP = 20
DAYS = 3
TARGET_P99_MS = 50.0


def lessons_of(library: Library, learners: list[dict[str, Any]]) -> list[list[Any]]:
    """Each learner's lessons for the last ``DAYS`` days: their first track, in order."""
    result = []
    for row in learners:
        track = library.tracks[row["tracks"].split(",")[0]]
        result.append([library.lessons[lesson_id] for lesson_id in track.lesson_ids[:DAYS]])
    return result


async def make_polls(
    emulator: EmulatorProcess, learners: list[dict[str, Any]], lessons: list[list[Any]]
) -> list[list[list[str]]]:
    """Create every quiz poll in the emulator; poll ids by [learner][day][question]."""
    items = []
    for row, days in zip(learners, lessons, strict=True):
        for lesson in days:
            for q in lesson.questions:
                items.append([row["chat_id"], q.text, list(q.options), q.correct_index, None])
    ids = iter(await emulator.command(op="polls", items=items))
    return [[[next(ids) for _ in lesson.questions] for lesson in days] for days in lessons]


def fill_history(
    where: Path | tuple[Any, str],
    learners: list[dict[str, Any]],
    lessons: list[list[Any]],
    poll_ids: list[list[list[str]]],
    background: int,
) -> str:
    """The learners (plus ``background`` others), three sent deliveries each, their polls,
    in a SQLite file or a (PostgreSQL server, database name); returns the database URL."""
    rows = list(learners)
    if background:
        later = NOW + timedelta(days=DAYS)
        rows += realistic_rows(background, later, first_id=len(learners) + 1, tick_window=0)
    if isinstance(where, Path):
        db = make_database(where, rows)
    else:
        db = make_postgres_database(*where, rows)
    deliveries, polls = [], []
    for row, days, ids in zip(learners, lessons, poll_ids, strict=True):
        for day, (lesson, day_ids) in enumerate(zip(days, ids, strict=True)):
            sent_at = NOW - timedelta(days=DAYS - 1 - day)
            delivery_id = len(deliveries) + 1
            deliveries.append(
                {
                    "id": delivery_id,
                    "learner_id": row["id"],
                    "local_date": local_date(sent_at, row["zone"]),
                    "lesson_id": lesson.id,
                    "track_id": lesson.track_id,
                    "review": False,
                    "state": "sent",
                    "parts_sent": 1 + len(lesson.questions),
                    "created_at": sent_at,
                    "excused": False,
                }
            )
            for question, poll_id in zip(lesson.questions, day_ids, strict=True):
                polls.append(
                    {
                        "poll_id": poll_id,
                        "delivery_id": delivery_id,
                        "learner_id": row["id"],
                        "question_id": question.id,
                        "correct_index": question.correct_index,
                        "sent_at": sent_at,
                    }
                )
    with db.engine.begin() as connection:
        connection.execute(Delivery.__table__.insert(), deliveries)  # type: ignore[attr-defined]
        connection.execute(QuizPoll.__table__.insert(), polls)  # type: ignore[attr-defined]
        connection.exec_driver_sql("ANALYZE")
    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()
    return url


def answer_plan(
    learners: list[dict[str, Any]], lessons: list[list[Any]], ids: list[list[list[str]]], n: int
) -> list[list[Any]]:
    """Day by day, question by question, learners in random order; 70 % right."""
    rng = random.Random(7)
    plan = []
    for day in range(DAYS):
        for question in range(2):
            order = list(range(len(learners)))
            rng.shuffle(order)
            for i in order:
                q = lessons[i][day].questions[question]
                right = rng.random() < 0.7
                option = q.correct_index if right else (q.correct_index + 1) % len(q.options)
                plan.append([learners[i]["id"], ids[i][day][question], option])
    return plan[:n]


async def drive(
    emulator: EmulatorProcess,
    plan: list[list[Any]],
    rate: float,
    received: dict[str, float],
    wait_s: float,
) -> dict[str, Any]:
    """Vote at ``rate``/s; wait until every vote reached its handler (``received``)."""
    await emulator.command(op="reset_votes")
    received.clear()
    gc.collect()
    cpu = time.process_time()
    t0s = await emulator.command(op="answer", plan=plan, rate=rate)
    deadline = time.monotonic() + wait_s
    # Polling: ``received`` is filled from worker threads, where no asyncio.Event may be set.
    while len(received) < len(plan) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    cpu = time.process_time() - cpu
    latencies = [
        (received[poll_id] - t0) * 1000
        for (_, poll_id, _), t0 in zip(plan, t0s, strict=True)
        if poll_id in received
    ]
    span = max(received.values(), default=t0s[-1]) - t0s[0]
    return {
        "answers": len(plan),
        "handled": len(latencies),
        "offered_per_s": (len(plan) - 1) / (t0s[-1] - t0s[0]),
        "per_s": len(latencies) / span if span > 0 else 0.0,
        "p50_ms": median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies, default=float("nan")),
        "cpu_ms": cpu / max(1, len(latencies)) * 1000,
    }


async def run_bare(
    emulator: EmulatorProcess, plan: list[list[Any]], warm: list[list[Any]]
) -> dict[str, Any]:
    """A bare PTB application that only receives poll answers."""
    received: dict[str, float] = {}

    async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.poll_answer is not None:
            received[update.poll_answer.poll_id] = time.monotonic()

    application = ApplicationBuilder().token(TOKEN).base_url(emulator.base_url).build()
    application.add_handler(PollAnswerHandler(on_answer))
    await start_bot(application, poll_timeout=10)
    try:
        await drive(emulator, warm, RATE, received, wait_s=30)
        return await drive(emulator, plan, RATE, received, wait_s=60)
    finally:
        await stop_bot(application)  # type: ignore[arg-type]


async def run_bot(
    tmp: Path,
    emulator: EmulatorProcess,
    database_url: str,
    plan: list[list[Any]],
    limiter: bool,
    warm: list[list[Any]],
    rate: float = RATE,
) -> dict[str, Any]:
    """The real bot; t1 when ``Answers.record`` has committed the row."""
    settings = Settings(
        token=Secret(TOKEN),
        database_url=database_url,
        api_base_url=emulator.base_url,
        lessons_dir=LESSONS,
        tick_seconds=300,
        heartbeat_file=tmp / "heartbeat",
    )
    services = build_services(settings, ManualClock(NOW + timedelta(minutes=5)))
    received: dict[str, float] = {}
    statuses: dict[str, int] = {}
    record = services.answers.record

    def timed_record(poll_id: str, user_id: int, option_ids: list[int]) -> Any:
        result = record(poll_id, user_id, option_ids)
        received[poll_id] = time.monotonic()
        statuses[result.status.value] = statuses.get(result.status.value, 0) + 1
        return result

    services.answers.record = timed_record  # type: ignore[method-assign]
    application = build_application(settings, services, rate_limiter=limiter)
    await start_bot(application, poll_timeout=10)
    try:
        await drive(emulator, warm, rate, received, wait_s=30)  # first-use costs
        result = await drive(emulator, plan, rate, received, wait_s=120)
    finally:
        await stop_bot(application)
        services.db.dispose()
    if statuses.get("recorded", 0) != len(warm) + len(plan):
        raise RuntimeError(f"expected {len(warm) + len(plan)} recorded answers: {statuses}")
    return result


def line(name: str, r: dict[str, Any]) -> str:
    return (
        f"  {name:<34} {r['handled']:>5} {r['offered_per_s']:>8.0f} {r['per_s']:>8.0f} "
        f"{r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['max_ms']:>7.1f} {r['cpu_ms']:>7.2f}"
    )


async def answers(quick: bool) -> dict[str, Any]:
    n_learners, n_answers = (1_000, 2_000) if quick else (1_000, 5_000)
    backgrounds = (0,) if quick else (0, 99_000)
    results: dict[str, Any] = {"learners": n_learners, "answers": n_answers, "runs": []}
    with tempfile.TemporaryDirectory(prefix="attune-bench-") as tmp_name:
        tmp = Path(tmp_name)
        learners = due_rows(n_learners, NOW + timedelta(days=1))
        library = build_services(
            Settings(database_url=f"sqlite:///{tmp / 'lib.db'}", lessons_dir=LESSONS),
            ManualClock(NOW),
        ).library
        lessons = lessons_of(library, learners)
        with EmulatorProcess.start("bench.emulator_driver") as emulator:
            await emulator.command(op="users", ids=[row["id"] for row in learners])
            ids = await make_polls(emulator, learners, lessons)
            every = answer_plan(learners, lessons, ids, DAYS * 2 * n_learners)
            plan, warm = every[:n_answers], every[-WARM_UP:]  # warm-up polls are not in plan
            # 1,000 answers from half the learners: both questions of a day, so half of
            # them complete a day, as in the full plan.
            half = [vote for vote in plan if vote[0] <= n_learners // 2][:1_000]
            print(
                f"{n_answers:,} answers from {n_learners:,} learners at ~{RATE:.0f}/s, and 1,000 "
                f"at {SLOW:.0f}/s; latency: vote queued in the emulator -> Answer row "
                f"committed (bot) or handler called (bare); after {WARM_UP} warm-up answers"
            )
            print(
                f"  {'':<36} {'n':>5} {'offered':>8} {'done/s':>8} {'p50 ms':>7} "
                f"{'p99 ms':>7} {'max ms':>7} {'CPU ms':>7}"
            )
            bare = await run_bare(emulator, plan, warm)
            results["bare"] = bare
            print(line(f"bare PTB PollAnswerHandler, {RATE:.0f}/s", bare))
            url = fill_history(tmp / "answers.db", learners, lessons, ids, 0)
            ours = await run_bot(tmp, emulator, url, plan, limiter=False, warm=warm)
            results["at_200"] = ours
            print(line(f"Attune, {n_learners:,} in DB, {RATE:.0f}/s", ours))
            for background in backgrounds:
                url = fill_history(
                    tmp / f"answers-slow-{background}.db", learners, lessons, ids, background
                )
                total = n_learners + background
                slow = await run_bot(tmp, emulator, url, half, limiter=False, warm=warm, rate=SLOW)
                results["runs"].append({"learners": total, **slow})
                print(line(f"Attune, {total:,} in DB, {SLOW:.0f}/s", slow))
            if not quick:
                url = fill_history(tmp / "answers-limited.db", learners, lessons, ids, 0)
                limited = await run_bot(tmp, emulator, url, half, limiter=True, warm=warm)
                results["rate_limited"] = limited
                print(line(f"Attune, limiter ON (prod.), {RATE:.0f}/s", limited))
            with postgres_server() as server:
                if server is not None:
                    url = fill_history((server, "answers"), learners, lessons, ids, 0)
                    on_pg = await run_bot(tmp, emulator, url, plan, limiter=False, warm=warm)
                    results["postgres_at_200"] = on_pg
                    print(line(f"Attune on PostgreSQL, {RATE:.0f}/s", on_pg))
    p99 = results["at_200"]["p99_ms"]
    results["verdict"] = "MET" if p99 < TARGET_P99_MS else "MISSED"
    print(
        "CPU ms = this process's CPU per answer; offered = the rate votes were queued at; "
        "done/s = answers handled / (last handled - first queued)"
    )
    print(
        f"target: p99 < {TARGET_P99_MS:.0f} ms at {RATE:.0f} answers/s (rate limiter off): "
        f"p99 {p99:.1f} ms -> {results['verdict']}"
    )
    if "postgres_at_200" in results:
        on_pg = results["postgres_at_200"]["p99_ms"]
        results["postgres_verdict"] = "MET" if on_pg < TARGET_P99_MS else "MISSED"
        print(f"  on PostgreSQL: p99 {on_pg:.1f} ms -> {results['postgres_verdict']}")
    return results


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = bench_arguments(
        __doc__,
        "answers: quiz answers at a paced rate, queued -> stored",
        "2,000 answers, no production run",
        argv,
    )
    results = asyncio.run(answers(args.quick))
    write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
