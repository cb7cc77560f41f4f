"""Run every benchmark, print every figure, then how each grows from 1,000 to 100,000.

    .venv/bin/python -m bench.run            # full sizes (about 12 minutes on 2 cores)
    .venv/bin/python -m bench.run --quick    # smaller sizes (about 5 minutes)

Each script runs in its own process (so memory and CPU figures do not mix) and also
writes its figures as JSON, from which the growth table at the end is built.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ("due_query", "memory", "answers", "fanout", "review_tick")
SIZES = (1_000, 10_000, 100_000)


def run_all(quick: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="attune-bench-run-") as tmp:
        for name in SCRIPTS:
            out = Path(tmp) / f"{name}.json"
            command = [sys.executable, "-m", f"bench.{name}", "--json", str(out)]
            if quick:
                command.append("--quick")
            start = time.perf_counter()
            code = subprocess.run(command, cwd=ROOT, check=False, timeout=900).returncode
            elapsed = time.perf_counter() - start
            print(f"[bench.{name}: {elapsed:.0f} s, exit {code}]", flush=True)
            results[name] = json.loads(out.read_text()) if code == 0 and out.exists() else None
    return results


def cell(value: float | None, fmt: str = "{:.2f}") -> str:
    return f"{'-' if value is None else fmt.format(value):>10}"


def growth_table(results: dict[str, Any]) -> None:
    rows: list[tuple[str, dict[int, float]]] = []
    due = results.get("due_query")
    if due:
        sizes = {int(k): v for k, v in due["sizes"].items()}
        for moment in ("busy tick", "3 h backlog"):
            rows.append(
                (
                    f"due query ORM p50 ms, {moment}",
                    {n: s[moment]["orm_p50"] for n, s in sizes.items()},
                )
            )
            rows.append(
                (f"  rows it returns ({moment})", {n: s[moment]["rows"] for n, s in sizes.items()})
            )
    memory = results.get("memory")
    if memory:
        rows.append(
            (
                "memory peak VmHWM MiB",
                {int(n): s["hwm"] / 1024 for n, s in memory["sizes"].items()},
            )
        )
    answers = results.get("answers")
    if answers:
        runs = {run["learners"]: run for run in answers["runs"]}
        rows.append(
            ("answers p50 ms at 50/s (N in DB)", {n: r["p50_ms"] for n, r in runs.items()})
        )
        rows.append(
            ("answers p99 ms at 50/s (N in DB)", {n: r["p99_ms"] for n, r in runs.items()})
        )
        rows.append(("  CPU ms per answer (N in DB)", {n: r["cpu_ms"] for n, r in runs.items()}))
    fanout = results.get("fanout")
    if fanout:
        cases = fanout["cases"]
        by_due = {c["due"]: c for c in cases if c["learners"] == c["due"]}
        by_db = {c["learners"]: c for c in cases if c["due"] == 1_000}
        rows.append(
            ("fanout CPU ms/delivery, N due", {n: c["ours_cpu_ms"] for n, c in by_due.items()})
        )
        rows.append(("  deliveries/s, N due", {n: c["ours_per_s"] for n, c in by_due.items()}))
        rows.append(("  our cost / bare, N due", {n: c["ratio"] for n, c in by_due.items()}))
        rows.append(
            (
                "fanout CPU ms/delivery, 1,000 due of N",
                {n: c["ours_cpu_ms"] for n, c in by_db.items()},
            )
        )
    print()
    print("== growth from 1,000 to 100,000 learners " + "=" * 40)
    print(f"  {'figure':<46}" + "".join(f"{f'{n:,}':>10}" for n in SIZES) + f"{'100k/1k':>10}")
    for name, values in rows:
        first, last = values.get(SIZES[0]), values.get(SIZES[-1])
        ratio = last / first if first and last is not None else None
        cells = "".join(cell(values.get(n)) for n in SIZES)
        print(f"  {name:<46}{cells}{cell(ratio, '{:.1f}x')}")
    print("  (- : not measured at that size in this mode)")


def verdicts(results: dict[str, Any]) -> None:
    print()
    print("== targets " + "=" * 70)
    lines = {
        "due_query": "due query < 20 ms at 100,000 learners, using ix_learner_next_due_at",
        "memory": "resident memory < 200 MB at 100,000 learners",
        "fanout": "fan-out CPU per delivery <= 1.3x a bare PTB loop",
        "answers": "answer p99 < 50 ms at 200 answers/s",
        "review_tick": "tick with review selection <= 1.3x today's tick CPU/delivery",
    }
    for name, text in lines.items():
        result = results.get(name)
        verdict = result["verdict"] if result else "NOT RUN (script failed)"
        print(f"  {text:<66} {verdict}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about 2 minutes")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    results = run_all(args.quick)
    growth_table(results)
    verdicts(results)
    print(f"\ntotal {time.perf_counter() - start:.0f} s{' (--quick)' if args.quick else ''}")
    if not all(results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
