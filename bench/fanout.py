"""Fan-out: N learners due in the same minute, one delivery tick, the real bot.

The bot (``build_application(..., rate_limiter=False)``, everything else as in
production) runs ``bot.telegram.jobs.tick`` in this process against ``python -m bot.emulator`` in
another, so the emulator's CPU is not counted as ours. Each delivery is the lesson text
and two quiz polls, with every part recorded in SQLite as it goes out.

Baseline (same run, same emulator, same concurrency of 32 and the same number of
connections): a bare ``telegram.Bot`` with PTB's stock HTTP client, sending the same lesson
texts and polls, with no database and no application. The bot's own HTTP client
(``bot.telegram.sending.http``) is part of what is measured: choosing it is part of our cost. A
second bare loop over that same client shows what the bot adds beyond the transport.

With the ``AIORateLimiter`` on (production), the achieved messages per second over about
ten seconds shows the limiter holding the bot at Telegram's ~30 messages/s.

Then the 1,000-due tick again on PostgreSQL (a local server with its default durability,
started as the tests start it), beside the SQLite figure of this run: our process's CPU
per delivery, and the server's (its processes, apart) per delivery.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `python bench/fanout.py`

from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402
from telegram import Bot, LinkPreviewOptions  # noqa: E402
from telegram.constants import ParseMode, PollType  # noqa: E402
from telegram.request import BaseRequest, HTTPXRequest  # noqa: E402

from bench.common import (  # noqa: E402
    LESSONS,
    NOW,
    TOKEN,
    EmulatorProcess,
    add_users,
    bench_arguments,
    due_rows,
    make_database,
    make_postgres_database,
    measured,
    postgres_server,
    process_cpu_seconds,
    realistic_rows,
    write_json,
)
from bot.clock import ManualClock  # noqa: E402
from bot.config import Secret, Settings  # noqa: E402
from bot.content.model import Library  # noqa: E402
from bot.emulator import EmulatorClient  # noqa: E402
from bot.learning.curriculum import pick_next_lesson  # noqa: E402
from bot.store.models import Delivery  # noqa: E402
from bot.telegram import texts  # noqa: E402
from bot.telegram.app import (  # noqa: E402
    CONNECTIONS,
    build_application,
    build_services,
    start_bot,
    stop_bot,
)
from bot.telegram.context import AttuneContext  # noqa: E402
from bot.telegram.jobs import CONCURRENT_SENDS, tick  # noqa: E402
from bot.telegram.sending.http import TelegramHTTP  # noqa: E402

DUE_AT = NOW - timedelta(seconds=10)
TARGET_RATIO = 1.3
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def settings_for(tmp: Path, base_url: str, database_url: str) -> Settings:
    return Settings(
        token=Secret(TOKEN),
        database_url=database_url,
        api_base_url=base_url,
        lessons_dir=LESSONS,
        tick_seconds=300,  # the tick is run by hand, never by the JobQueue
        heartbeat_file=tmp / "heartbeat",
    )


def server_cpu_seconds(server: Any) -> float:
    """CPU of a PostgreSQL server: the postmaster, its live backends, and those gone."""
    pid = server.process.pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(int(f) for f in fields[11:15]) / ticks  # utime stime cutime cstime
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parts = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(parts[1]) == pid:
            total += process_cpu_seconds(stat.parent.name)
    return total


async def run_bot(
    tmp: Path,
    emulator: EmulatorProcess,
    due: int,
    background: int,
    *,
    rate_limiter: bool,
    server: Any = None,
) -> dict[str, Any]:
    """One tick of the real bot over ``due`` learners (plus ``background`` not yet due),
    on SQLite or, given a ``server``, on PostgreSQL."""
    rows = due_rows(due, DUE_AT)
    if background:
        rows += realistic_rows(background, NOW, first_id=due + 1, tick_window=0)
    name = f"fanout_{due}_{background}_{rate_limiter}"
    if server is None:
        db = make_database(tmp / f"{name}.db", rows)
    else:
        db = make_postgres_database(server, name, rows)
    url = db.engine.url.render_as_string(hide_password=False)
    db.dispose()
    del rows
    settings = settings_for(tmp, emulator.base_url, url)
    services = build_services(settings, ManualClock(NOW))
    application = build_application(settings, services, rate_limiter=rate_limiter)
    await start_bot(application, poll_timeout=10)
    try:
        gc.collect()
        emulator_cpu = emulator.cpu_seconds()
        database_cpu = server_cpu_seconds(server) if server is not None else 0.0
        with measured() as cost:
            await tick(AttuneContext(application))
        emulator_cpu = emulator.cpu_seconds() - emulator_cpu
        if server is not None:
            database_cpu = server_cpu_seconds(server) - database_cpu
    finally:
        await stop_bot(application)
    with services.db.session() as session:
        sent = session.exec(
            select(func.count()).select_from(Delivery).where(Delivery.state == "sent")
        ).one()
        parts = session.exec(select(func.sum(Delivery.parts_sent))).one() or 0
    services.db.dispose()
    if server is None:
        (tmp / f"{name}.db").unlink()
    else:
        server.drop_database(name)
    if sent != due:
        raise RuntimeError(f"expected {due} deliveries, {sent} were sent")
    return {
        **cost,
        "deliveries": sent,
        "messages": parts,
        "emulator_cpu": emulator_cpu,
        "database_cpu": database_cpu,
    }


def plans_for(library: Library, due: int) -> list[tuple[int, str, Any]]:
    """What the bot sends each due learner: the lesson it would pick, rendered the same."""
    track_lessons = {t: library.tracks[t].lesson_ids for t in library.tracks}
    plans = []
    for row in due_rows(due, DUE_AT):
        pick = pick_next_lesson(track_lessons, row["tracks"].split(","), [])
        assert pick is not None
        lesson = library.lessons[pick.lesson_id]
        text = texts.lesson_message(
            lesson, library.sources_for(lesson), library.tracks[lesson.track_id].title, False
        )
        plans.append((row["chat_id"], text, lesson))
    return plans


async def run_bare(
    emulator: EmulatorProcess, plans: list[tuple[int, str, Any]], request: BaseRequest
) -> dict[str, Any]:
    """The same messages through a bare ``telegram.Bot``: the cost of PTB and HTTP alone."""
    bot = Bot(TOKEN, base_url=emulator.base_url, request=request)
    await bot.initialize()
    gate = asyncio.Semaphore(CONCURRENT_SENDS)
    sent = 0

    async def one(chat_id: int, text: str, lesson: Any) -> None:
        nonlocal sent
        async with gate:
            await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
            )
            sent += 1
            for question in lesson.questions:
                await bot.send_poll(
                    chat_id,
                    question.text,
                    list(question.options),
                    is_anonymous=False,
                    type=PollType.QUIZ,
                    correct_option_ids=[question.correct_index],
                    explanation=question.explanation,
                )
                sent += 1

    try:
        await asyncio.gather(*(one(*plan) for plan in plans[:20]))  # warm up connections
        sent = 0
        gc.collect()
        emulator_cpu = emulator.cpu_seconds()
        with measured() as cost:
            await asyncio.gather(*(one(*plan) for plan in plans))
        emulator_cpu = emulator.cpu_seconds() - emulator_cpu
    finally:
        await bot.shutdown()
    return {**cost, "deliveries": len(plans), "messages": sent, "emulator_cpu": emulator_cpu}


def per_delivery(run: dict[str, Any]) -> dict[str, float]:
    n = run["deliveries"]
    return {
        "per_s": n / run["wall"],
        "cpu_ms": run["cpu"] / n * 1000,
        "emulator_cpu_ms": run["emulator_cpu"] / n * 1000,
    }


async def rate_limited(tmp: Path, due: int) -> dict[str, Any]:
    """Production settings: how many messages per second the AIORateLimiter lets out."""
    with EmulatorProcess.start() as emulator:
        await add_users(emulator.control_url, range(1, due + 1))
        run = await run_bot(tmp, emulator, due, 0, rate_limiter=True)
        async with EmulatorClient(emulator.control_url) as client:
            records = [
                r.time
                for method in ("sendMessage", "sendPoll")
                for r in await client.requests(method)
                if r.status == 200
            ]
    records.sort()
    span = records[-1] - records[0]
    after_burst = [t for t in records if t >= records[0] + 1.0]
    steady = (len(after_burst) - 1) / (records[-1] - after_burst[0]) if len(after_burst) > 1 else 0
    return {
        "deliveries": run["deliveries"],
        "messages": len(records),
        "wall": run["wall"],
        "span": span,
        "overall_per_s": len(records) / span if span else 0.0,
        "steady_per_s": steady,
        "cpu_ms_per_message": run["cpu"] / len(records) * 1000,
    }


async def fanout(quick: bool) -> dict[str, Any]:
    # (due learners, learners in the database not yet due, bare baseline deliveries or 0 to
    # reuse the previous case's: a bare loop touches no database, so its cost per delivery
    # does not depend on how many learners the bot has).
    cases = [(1_000, 0, 1_000)]
    if not quick:
        cases += [(10_000, 0, 0), (1_000, 99_000, 0)]
    results: dict[str, Any] = {"cases": []}
    with tempfile.TemporaryDirectory(prefix="attune-bench-") as tmp_name:
        tmp = Path(tmp_name)
        lib_url = f"sqlite:///{tmp / 'lib.db'}"
        library = build_services(settings_for(tmp, "", lib_url), ManualClock(NOW)).library
        with EmulatorProcess.start() as emulator:
            await add_users(emulator.control_url, range(1, max(c[0] for c in cases) + 1))
            bare: dict[str, Any] = {}
            same_client: dict[str, Any] = {}
            for due, background, bare_size in cases:
                if bare_size:
                    plans = plans_for(library, bare_size)
                    bare = await run_bare(emulator, plans, HTTPXRequest(CONNECTIONS))
                    same_client = await run_bare(emulator, plans, TelegramHTTP(CONNECTIONS))
                ours = await run_bot(tmp, emulator, due, background, rate_limiter=False)
                case = summarize(due, background, ours, bare, same_client)
                results["cases"].append(case)
                print_case(case)
            with postgres_server() as server:
                if server is not None:
                    results["postgres"] = await on_postgres(
                        tmp, emulator, server, results["cases"][0]
                    )
        rl_due = 60 if quick else 110
        limited = await rate_limited(tmp, rl_due)
    results["rate_limited"] = limited
    print(
        f"\nrate limiter ON (production): {limited['deliveries']} learners, "
        f"{limited['messages']} messages in {limited['span']:.1f} s -> "
        f"{limited['overall_per_s']:.1f} msg/s overall, {limited['steady_per_s']:.1f} msg/s "
        f"after the first second's burst (Telegram's limit: ~30/s); "
        f"our CPU {limited['cpu_ms_per_message']:.2f} ms per message"
    )
    worst = max(case["ratio"] for case in results["cases"])
    results["worst_ratio"] = worst
    results["verdict"] = "MET" if worst <= TARGET_RATIO else "MISSED"
    print(
        f"target: our CPU per delivery <= {TARGET_RATIO}x the bare PTB loop: worst "
        f"{worst:.2f}x -> {results['verdict']}"
    )
    return results


async def on_postgres(
    tmp: Path, emulator: EmulatorProcess, server: Any, sqlite_case: dict[str, Any]
) -> dict[str, Any]:
    """The first case's tick again, on PostgreSQL, beside its SQLite figures."""
    due = sqlite_case["due"]
    run = await run_bot(tmp, emulator, due, 0, rate_limiter=False, server=server)
    figures = {
        **per_delivery(run),
        "database_cpu_ms": run["database_cpu"] / run["deliveries"] * 1000,
        "wall_s": run["wall"],
    }
    print(f"\n{due:,} due, SQLite beside PostgreSQL (server CPU: its own processes)")
    print(f"  {'':<22} {'deliveries/s':>12} {'CPU ms/delivery':>16} {'server CPU ms':>16}")
    print(f"  {'Attune on SQLite':<22} {sqlite_case['ours_per_s']:>12.0f} "
          f"{sqlite_case['ours_cpu_ms']:>16.2f} {'(in process)':>16}")  # fmt: skip
    print(f"  {'Attune on PostgreSQL':<22} {figures['per_s']:>12.0f} "
          f"{figures['cpu_ms']:>16.2f} {figures['database_cpu_ms']:>16.2f}")  # fmt: skip
    return figures


def summarize(
    due: int,
    background: int,
    ours: dict[str, Any],
    bare: dict[str, Any],
    same_client: dict[str, Any],
) -> dict[str, Any]:
    o, b, c = per_delivery(ours), per_delivery(bare), per_delivery(same_client)
    case = {
        "due": due,
        "learners": due + background,
        "bare_deliveries": bare["deliveries"],
        "ours_per_s": o["per_s"],
        "ours_cpu_ms": o["cpu_ms"],
        "ours_emulator_cpu_ms": o["emulator_cpu_ms"],
        "bare_per_s": b["per_s"],
        "bare_cpu_ms": b["cpu_ms"],
        "bare_emulator_cpu_ms": b["emulator_cpu_ms"],
        "same_client_per_s": c["per_s"],
        "same_client_cpu_ms": c["cpu_ms"],
        "same_client_emulator_cpu_ms": c["emulator_cpu_ms"],
        "messages_per_delivery": ours["messages"] / ours["deliveries"],
        "ours_wall_s": ours["wall"],
    }
    case["ratio"] = case["ours_cpu_ms"] / case["bare_cpu_ms"]
    case["ratio_same_client"] = case["ours_cpu_ms"] / case["same_client_cpu_ms"]
    return case


def print_case(case: dict[str, Any]) -> None:
    print(
        f"\n{case['due']:,} due of {case['learners']:,} learners "
        f"({case['messages_per_delivery']:.0f} messages each; "
        f"tick took {case['ours_wall_s']:.1f} s;"
        f" bare baseline measured over {case['bare_deliveries']:,} deliveries)"
    )
    print(f"  {'':<22} {'deliveries/s':>12} {'CPU ms/delivery':>16} {'emulator CPU ms':>16}")
    for name, key in (("bare PTB (baseline)", "bare"), ("bare PTB, our client", "same_client")):
        print(
            f"  {name:<22} {case[key + '_per_s']:>12.0f} {case[key + '_cpu_ms']:>16.2f} "
            f"{case[key + '_emulator_cpu_ms']:>16.2f}"
        )
    print(
        f"  {'Attune tick':<22} {case['ours_per_s']:>12.0f} {case['ours_cpu_ms']:>16.2f} "
        f"{case['ours_emulator_cpu_ms']:>16.2f}"
    )
    print(
        f"  our cost / bare cost: {case['ratio']:.2f}x (target <= {TARGET_RATIO}x); "
        f"/ bare PTB on our client: {case['ratio_same_client']:.2f}x (what the bot adds)"
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = bench_arguments(
        __doc__,
        "fanout: one tick delivering to N learners due in the same minute",
        "1,000 learners only",
        argv,
    )
    print("rate limiter OFF for cost figures; emulator in its own process (its CPU shown apart)")
    results = asyncio.run(fanout(args.quick))
    write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
