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

The same on PostgreSQL (a server this script starts on 127.0.0.1 with its default
durability, as ``tests/postgres.py`` does, vacuumed and analysed after the bulk insert):
plain ``psycopg`` for the driver baseline, index scans switched off for the no-index
baseline, and ``EXPLAIN`` to show the plan. ``--million`` adds 1,000,000 learners.
"""

from __future__ import annotations

import argparse
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
    header,
    machine_note,
    make_database,
    make_postgres_database,
    median,
    percentile,
    postgres_server,
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


def capture_sql(db: Database, now: datetime) -> tuple[str, Any, int]:
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
    return statement, params, len(rows)


def time_ms(function: Any, runs: int) -> list[float]:
    function()  # warm the page cache and statement caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def through_the_bot(db: Database, now: datetime, runs: int) -> dict[str, Any]:
    """The query as the bot runs it (ORM session), and the floor of any query."""

    def orm() -> None:
        with db.session() as session:
            session.exec(claim_due_query(now)).all()

    def floor() -> None:
        with db.session() as session:
            session.exec(select(text("1"))).all()  # type: ignore[call-overload]

    return {"orm": time_ms(orm, runs), "select1": time_ms(floor, runs)}


def measure_postgres(db: Database, now: datetime, runs: int) -> dict[str, Any]:
    """PostgreSQL: the bot's query, plain psycopg, and psycopg with index scans off."""
    import psycopg

    sql, params, rows = capture_sql(db, now)
    dsn = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as raw, psycopg.connect(dsn) as scan:
        for switch in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
            scan.execute(f"SET {switch} = off".encode())
        return {
            "rows": rows,
            **through_the_bot(db, now, runs),
            "driver": time_ms(lambda: raw.execute(sql, params).fetchall(), runs),
            "not_indexed": time_ms(
                lambda: scan.execute(sql, params).fetchall(), max(5, runs // 5)
            ),
            "plan": [r[0] for r in raw.execute(f"EXPLAIN {sql}", params)],
            "plan_not_indexed": [r[0] for r in scan.execute(f"EXPLAIN {sql}", params)],
            "sql": sql,
        }


def measure(db: Database, path: Path, now: datetime, runs: int) -> dict[str, Any]:
    sql, params, rows = capture_sql(db, now)
    params = tuple(params)
    unindexed = sql.replace("FROM learner", "FROM learner NOT INDEXED", 1)
    raw = sqlite3.connect(path)
    result = {
        "rows": rows,
        **through_the_bot(db, now, runs),
        "driver": time_ms(lambda: raw.execute(sql, params).fetchall(), runs),
        "not_indexed": time_ms(
            lambda: raw.execute(unindexed, params).fetchall(), max(5, runs // 5)
        ),
        "plan": [r[-1] for r in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params)],
        "plan_not_indexed": [
            r[-1] for r in raw.execute(f"EXPLAIN QUERY PLAN {unindexed}", params)
        ],
        "sql": sql,
    }
    raw.close()
    return result


MOMENTS = (("busy tick", BUSY), ("3 h backlog", BUSY + timedelta(hours=3)))


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 learners")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    header("due_query: the claim_due query (select due learners, order by next_due_at, limit 500)")
    print(machine_note())
    return args


def print_size(backend: str, n: int, built: float, by_moment: dict[str, Any]) -> None:
    print(f"\n{backend}, {n:,} learners (bulk insert {built:.1f} s)")
    driver = "sqlite3" if backend == "SQLite" else "psycopg"
    print(
        f"  {'moment':<12} {'rows':>5} {'ORM p50':>8} {'ORM p95':>8} {driver:>8} "
        f"{'NO INDEX':>8} {'SELECT 1':>9}"
    )
    for moment, r in by_moment.items():
        print(
            f"  {moment:<12} {r['rows']:>5} {median(r['orm']):>8.2f} "
            f"{percentile(r['orm'], 0.95):>8.2f} {median(r['driver']):>8.2f} "
            f"{median(r['not_indexed']):>8.2f} {median(r['select1']):>9.2f}"
        )


def run_sqlite(tmp: Path, n: int, runs: int) -> dict[str, Any]:
    path = tmp / f"due-{n}.db"
    start = time.perf_counter()
    db = make_database(path, realistic_rows(n, BUSY))
    built = time.perf_counter() - start
    by_moment = {moment: measure(db, path, now, runs) for moment, now in MOMENTS}
    db.dispose()
    print_size("SQLite", n, built, by_moment)
    return {"build_s": built, **by_moment}


def run_postgres(server: Any, n: int, runs: int) -> dict[str, Any]:
    start = time.perf_counter()
    db = make_postgres_database(server, f"due_{n}", realistic_rows(n, BUSY))
    built = time.perf_counter() - start
    by_moment = {moment: measure_postgres(db, now, runs) for moment, now in MOMENTS}
    db.dispose()
    print_size("PostgreSQL", n, built, by_moment)
    return {"build_s": built, **by_moment}


def verdict(backend: str, sizes: dict[int, Any], index_named: str) -> dict[str, Any]:
    """Print the largest size's plans and whether the target is met."""
    n = max(sizes)
    largest = sizes[n]
    busy = largest["busy tick"]
    print(f"\n{backend}: SQL as the ORM sends it:\n  {' '.join(busy['sql'].split())}")
    print(f"{backend}: query plan at {n:,} learners (as run):")
    for line in busy["plan"]:
        print(f"  {line}")
    print(f"{backend}: query plan without the index (the baseline):")
    for line in busy["plan_not_indexed"]:
        print(f"  {line}")
    uses_index = any(index_named in line for line in busy["plan"])
    worst = max(median(largest[m]["orm"]) for m, _ in MOMENTS)
    met = "MET" if worst < TARGET_MS and uses_index else "MISSED"
    print(
        f"{backend} target: < {TARGET_MS:.0f} ms at {n:,} learners via {index_named}: "
        f"worst median {worst:.2f} ms, index used: {uses_index} -> {met}"
    )
    return {"uses_index": uses_index, "worst_ms": worst, "verdict": met}


def summarise(sizes: dict[int, Any]) -> None:
    """Keep medians and percentiles in the JSON, not every timing."""
    for size in sizes.values():
        for moment, _ in MOMENTS:
            r = size[moment]
            r.update(
                orm_p50=median(r["orm"]),
                orm_p95=percentile(r["orm"], 0.95),
                driver_p50=median(r["driver"]),
                not_indexed_p50=median(r["not_indexed"]),
                select1_p50=median(r["select1"]),
            )
            for key in ("orm", "driver", "not_indexed", "select1"):
                del r[key]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = arguments(argv)
    sizes = (1_000, 10_000, 100_000, *((1_000_000,) if args.million else ()))
    runs = 50 if args.quick else 200
    print(f"median of {runs} runs each (no index: {max(5, runs // 5)} runs); times in ms")
    results: dict[str, Any] = {"sizes": {}, "postgres_sizes": {}}
    with tempfile.TemporaryDirectory(prefix="attune-bench-") as tmp:
        for n in sizes:
            results["sizes"][n] = run_sqlite(Path(tmp), n, runs)
    with postgres_server() as server:
        for n in sizes if server is not None else ():
            results["postgres_sizes"][n] = run_postgres(server, n, runs)
    results.update(verdict("SQLite", results["sizes"], "ix_learner_next_due_at"))
    if results["postgres_sizes"]:
        results["postgres"] = verdict(
            "PostgreSQL", results["postgres_sizes"], "ix_learner_next_due_at"
        )
    summarise(results["sizes"])
    summarise(results["postgres_sizes"])
    write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
