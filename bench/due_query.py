"""The "who is due now?" query of every delivery tick, at 1,000 to 100,000 learners.

The statement is the one ``Deliveries.claim_due`` runs (``learners_due_query`` in
``bot.store.queries.learners``), through an ORM session the way it runs there (500
``Learner`` rows hydrated at most). Two moments:

* ``busy tick``: a tick at 12:30:10 UTC, 07:30 in New York, the busiest minute of the
  synthetic population (next lessons spread over the day in ten zones);
* ``3 h backlog``: the same database queried three hours later, as after downtime.

Baselines from the same run: the same SQL through plain ``sqlite3`` (no ORM), the same
SQL with ``NOT INDEXED`` (a full scan and sort: what the index saves), and ``SELECT 1``
through a session (the floor of any query). Target: under 20 ms at 100,000 learners.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `python bench/due_query.py`

from sqlalchemy import event, text  # noqa: E402
from sqlmodel import select  # noqa: E402

from bench.common import (  # noqa: E402
    bench_arguments,
    make_database,
    median,
    percentile,
    realistic_rows,
    write_json,
)
from bot.store.engine import Database  # noqa: E402
from bot.store.queries.learners import learners_due_query  # noqa: E402
from bot.telegram.jobs import CLAIM_BATCH  # noqa: E402

# 07:30 in New York (EST): the busiest tick of the synthetic population.
BUSY = datetime(2026, 3, 2, 12, 30, 10, tzinfo=UTC)
TARGET_MS = 20.0


def claim_due_query(now: datetime) -> Any:
    """Exactly the statement of ``Deliveries.claim_due``."""
    return learners_due_query(now, CLAIM_BATCH)


def capture_sql(db: Database, now: datetime) -> tuple[str, tuple[Any, ...], int]:
    """The SQL and parameters the ORM sends for the query, and how many rows came back."""
    seen: list[tuple[str, Any]] = []

    def listener(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with db.session() as session:
            rows = session.exec(claim_due_query(now)).all()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    statement, params = next((s, p) for s, p in seen if "FROM learner" in s)
    return statement, tuple(params), len(rows)


def time_ms(function: Any, runs: int) -> list[float]:
    function()  # warm the page cache and statement caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure(db: Database, path: Path, now: datetime, runs: int) -> dict[str, Any]:
    sql, params, rows = capture_sql(db, now)
    unindexed = sql.replace("FROM learner", "FROM learner NOT INDEXED", 1)
    raw = sqlite3.connect(path)

    def orm() -> None:
        with db.session() as session:
            session.exec(claim_due_query(now)).all()

    def floor() -> None:
        with db.session() as session:
            session.exec(select(text("1"))).all()  # type: ignore[call-overload]

    result = {
        "rows": rows,
        "orm": time_ms(orm, runs),
        "sqlite3": time_ms(lambda: raw.execute(sql, params).fetchall(), runs),
        "not_indexed": time_ms(
            lambda: raw.execute(unindexed, params).fetchall(), max(5, runs // 5)
        ),
        "select1": time_ms(floor, runs),
        "plan": [r[-1] for r in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params)],
        "plan_not_indexed": [
            r[-1] for r in raw.execute(f"EXPLAIN QUERY PLAN {unindexed}", params)
        ],
        "sql": sql,
    }
    raw.close()
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = bench_arguments(
        __doc__,
        "due_query: the claim_due query (select due learners, order by next_due_at, limit 500)",
        "fewer runs",
        argv,
    )
    sizes = (1_000, 10_000, 100_000)
    runs = 50 if args.quick else 200
    print(f"median of {runs} runs each (NOT INDEXED: {max(5, runs // 5)} runs); times in ms")
    results: dict[str, Any] = {"sizes": {}}
    with tempfile.TemporaryDirectory(prefix="attune-bench-") as tmp:
        for n in sizes:
            path = Path(tmp) / f"due-{n}.db"
            start = time.perf_counter()
            db = make_database(path, realistic_rows(n, BUSY))
            built = time.perf_counter() - start
            by_moment = {}
            for moment, now in (("busy tick", BUSY), ("3 h backlog", BUSY + timedelta(hours=3))):
                by_moment[moment] = measure(db, path, now, runs)
            db.dispose()
            results["sizes"][n] = {"build_s": built, **by_moment}
            size = path.stat().st_size >> 10
            print(f"\n{n:,} learners (bulk insert {built:.1f} s, {size:,} KiB)")
            print(
                f"  {'moment':<12} {'rows':>5} {'ORM p50':>8} {'ORM p95':>8} {'sqlite3':>8} "
                f"{'NOT IDX':>8} {'SELECT 1':>9}"
            )
            for moment, r in by_moment.items():
                print(
                    f"  {moment:<12} {r['rows']:>5} {median(r['orm']):>8.2f} "
                    f"{percentile(r['orm'], 0.95):>8.2f} {median(r['sqlite3']):>8.2f} "
                    f"{median(r['not_indexed']):>8.2f} {median(r['select1']):>9.2f}"
                )
    largest = results["sizes"][sizes[-1]]
    busy = largest["busy tick"]
    print(f"\nSQL as the ORM sends it:\n  {' '.join(busy['sql'].split())}")
    print("EXPLAIN QUERY PLAN (as run):")
    for line in busy["plan"]:
        print(f"  {line}")
    print("EXPLAIN QUERY PLAN with NOT INDEXED (the baseline):")
    for line in busy["plan_not_indexed"]:
        print(f"  {line}")
    uses_index = any("ix_learner_next_due_at" in line for line in busy["plan"])
    worst = max(median(largest[m]["orm"]) for m in ("busy tick", "3 h backlog"))
    verdict = "MET" if worst < TARGET_MS and uses_index else "MISSED"
    print(
        f"target: < {TARGET_MS:.0f} ms at 100,000 learners via ix_learner_next_due_at: "
        f"worst median {worst:.2f} ms, index used: {uses_index} -> {verdict}"
    )
    results.update(uses_index=uses_index, worst_ms=worst, verdict=verdict)
    for size in results["sizes"].values():
        for moment in ("busy tick", "3 h backlog"):
            r = size[moment]
            r.update(
                orm_p50=median(r["orm"]),
                orm_p95=percentile(r["orm"], 0.95),
                sqlite3_p50=median(r["sqlite3"]),
                not_indexed_p50=median(r["not_indexed"]),
                select1_p50=median(r["select1"]),
            )
            for key in ("orm", "sqlite3", "not_indexed", "select1"):
                del r[key]
    write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
