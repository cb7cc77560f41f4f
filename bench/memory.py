"""Resident memory of the bot process at 1,000, 10,000 and 100,000 learners.

Each size runs in a fresh child process that: starts with the bare interpreter, imports
the bot (baseline: nothing built yet), builds the services (loads and validates the whole
lesson library, opens the database with N learners), builds and starts the Application
(polling ``python -m bot.emulator`` in another process), and runs one delivery tick with 20
learners due. VmRSS is read from /proc/self/status after each step; VmHWM is the peak.
Target: under 200 MB at 100,000 learners.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

TARGET_MB = 200.0
DUE = 20


def _status() -> dict[str, int]:
    """VmRSS and VmHWM in KiB; a copy of ``bench.common.memory_kib`` on purpose: importing
    ``bench.common`` loads the bot, which would spoil the "bare interpreter" reading."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def child(db_path: str, base_url: str, tmp: str) -> None:
    """Measure one process's memory step by step; print the figures as one JSON line."""
    stages: list[tuple[str, int]] = [("bare interpreter", _status()["VmRSS"])]
    import asyncio

    from bench.common import LESSONS, NOW, TOKEN
    from bot.clock import ManualClock
    from bot.config import Secret, Settings
    from bot.telegram.app import build_application, build_services, start_bot, stop_bot
    from bot.telegram.context import AttuneContext
    from bot.telegram.jobs import tick

    stages.append(("+ imports (baseline)", _status()["VmRSS"]))
    settings = Settings(
        token=Secret(TOKEN),
        database_url=f"sqlite:///{db_path}",
        api_base_url=base_url,
        lessons_dir=LESSONS,
        tick_seconds=300,
        heartbeat_file=Path(tmp) / "heartbeat",
    )

    async def run() -> int:
        services = build_services(settings, ManualClock(NOW))
        stages.append(("+ library and database", _status()["VmRSS"]))
        application = build_application(settings, services)
        await start_bot(application, poll_timeout=10)
        stages.append(("+ Application started", _status()["VmRSS"]))
        await tick(AttuneContext(application))
        stages.append(("+ one tick", _status()["VmRSS"]))
        await stop_bot(application)
        with services.db.session() as session:
            from sqlalchemy import text

            sent = session.exec(text("SELECT count(*) FROM delivery")).one()[0]  # type: ignore[call-overload]
        services.db.dispose()
        return int(sent)

    sent = asyncio.run(run())
    print(json.dumps({"stages": stages, "hwm": _status()["VmHWM"], "sent": sent}))


def measure(quick: bool) -> dict[str, Any]:
    import asyncio
    import tempfile
    from datetime import timedelta

    from bench.common import (
        NOW,
        EmulatorProcess,
        add_users,
        due_rows,
        make_database,
        realistic_rows,
    )

    sizes = (1_000, 10_000, 100_000)
    results: dict[str, Any] = {"sizes": {}}
    with (
        tempfile.TemporaryDirectory(prefix="attune-bench-") as tmp,
        EmulatorProcess.start() as emu,
    ):
        asyncio.run(add_users(emu.control_url, range(1, DUE + 1)))
        for n in sizes:
            db_path = Path(tmp) / f"memory-{n}.db"
            rows = due_rows(DUE, NOW - timedelta(seconds=10))
            rows += realistic_rows(n - DUE, NOW, first_id=DUE + 1, tick_window=0)
            make_database(db_path, rows).dispose()
            del rows
            output = subprocess.run(
                [sys.executable, "-m", "bench.memory", "--child", str(db_path), emu.base_url, tmp],
                cwd=Path(__file__).resolve().parents[1],
                capture_output=True,
                text=True,
                check=True,
                timeout=300,
            ).stdout
            results["sizes"][n] = json.loads(output.strip().splitlines()[-1])
            db_path.unlink()
    return results


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="(same sizes: already quick)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--child", nargs=3, metavar=("DB", "BASE_URL", "TMP"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return None
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.common import header, machine_note, write_json

    header("memory: resident memory of the bot process (MiB)")
    print(machine_note())
    results = measure(args.quick)
    sizes = list(results["sizes"])
    names = [name for name, _ in results["sizes"][sizes[0]]["stages"]]
    print(f"  {'step':<26}" + "".join(f"{f'{n:,} learners':>18}" for n in sizes))
    for i, name in enumerate(names):
        cells = "".join(f"{results['sizes'][n]['stages'][i][1] / 1024:>18.1f}" for n in sizes)
        print(f"  {name:<26}{cells}")
    print(
        f"  {'peak (VmHWM)':<26}"
        + "".join(f"{results['sizes'][n]['hwm'] / 1024:>18.1f}" for n in sizes)
    )
    growth = "".join(
        f"{(results['sizes'][n]['hwm'] - results['sizes'][n]['stages'][1][1]) / 1024:>18.1f}"
        for n in sizes
    )
    print(f"  {'peak - baseline':<26}{growth}")
    print(f"  (deliveries sent by the tick: {[results['sizes'][n]['sent'] for n in sizes]})")
    peak = max(results["sizes"][n]["hwm"] for n in sizes) / 1024
    verdict = "MET" if peak < TARGET_MB else "MISSED"
    results.update(peak_mb=peak, verdict=verdict)
    print(f"target: < {TARGET_MB:.0f} MB at 100,000 learners: peak {peak:.1f} MiB -> {verdict}")
    write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
