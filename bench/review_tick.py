"""The daily tick with spaced-review selection, at 100,000 learners with 30 days of history.

One database: 100,000 learners (``realistic_rows`` spread over ten zones) each with 30
past lesson days (a ``delivery`` row a day, lessons as the curriculum would pick them)
and a review item for every question of those lessons: about 3 million deliveries and 6
million review items. Each item has a due instant between five days ago and forty days
ahead (about one in nine overdue) or is mastered (one in ten). Answer rows are left out:
nothing on the tick reads them.

Three ticks on that database, each over its own 1,000 learners due in the same minute,
the real bot (``rate_limiter=False``) against the emulator in its own process:

1. today's tick: review selection switched off, so the tick is what it was before
   review (the baseline, measured in the same run on the same database);
2. the tick with review selection: each batch's due items are read (one range scan of
   ``ix_reviewitem_learner_due`` per learner) and claimed, nothing more sent;
3. the full tick: selection and the review block sent (a header and up to two polls).

Target: (2) within 1.3x (1)'s CPU per delivery. (3) sends more messages per delivery, so
its cost is shown per delivery and per message beside (1)'s.
"""

from __future__ import annotations

import asyncio
import gc
import random
import sqlite3
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `python bench/...`

from sqlalchemy import func, update  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from bench.common import (  # noqa: E402
    NOW,
    EmulatorProcess,
    add_users,
    bench_arguments,
    due_rows,
    make_database,
    measured,
    realistic_rows,
    write_json,
)
from bench.fanout import settings_for  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
from bot.content.model import Library  # noqa: E402
from bot.learning.curriculum import Seen, pick_next_lesson  # noqa: E402
from bot.learning.schedule import local_date  # noqa: E402
from bot.store.engine import Database  # noqa: E402
from bot.store.models import Delivery, Learner, ReviewItem, ReviewPoll  # noqa: E402
from bot.telegram.app import build_application, build_services, start_bot, stop_bot  # noqa: E402
from bot.telegram.context import AttuneContext  # noqa: E402
from bot.telegram.jobs import tick  # noqa: E402
from bot.telegram.sending import reviews as review_sending  # noqa: E402

DUE_AT = NOW - timedelta(seconds=10)
HISTORY_DAYS = 30
TARGET_RATIO = 1.3
MODES = ("today's tick (no review)", "tick + review selection", "tick + selection + sending")


def lesson_sequence(library: Library, tracks: str) -> tuple[tuple[str, str], ...]:
    """The first ``HISTORY_DAYS`` lessons the curriculum gives a learner of ``tracks``."""
    if tracks in _SEQUENCES:
        return _SEQUENCES[tracks]
    seen: list[Seen] = []
    for _ in range(HISTORY_DAYS):
        pick = pick_next_lesson(library.lesson_ids_by_track, tracks.split(","), seen)
        assert pick is not None
        seen.append(Seen(pick.lesson_id, pick.track_id))
    _SEQUENCES[tracks] = tuple((s.lesson_id, s.track_id) for s in seen)
    return _SEQUENCES[tracks]


_SEQUENCES: dict[str, tuple[tuple[str, str], ...]] = {}


DELIVERY_COLUMNS = (
    "learner_id", "local_date", "lesson_id", "track_id", "review", "state", "parts_sent",
    "uncertain", "created_at", "completed_at", "excused",
)  # fmt: skip
ITEM_COLUMNS = (
    "learner_id", "lesson_id", "question_id", "state", "stability", "difficulty", "due",
    "last_review", "reviews", "reviews_right", "right_streak", "mastered_at", "created_at",
)  # fmt: skip


def stamp(instant: datetime | None) -> str | None:
    """An instant as the bot's ``UTCDateTime`` stores it in SQLite (naive UTC text)."""
    return None if instant is None else instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def history_rows(
    library: Library, learners: list[dict[str, Any]], rng: random.Random
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Deliveries and review items for ``learners``, a chunk of learners at a time, as
    plain tuples (SQLAlchemy's per-row type handling would take most of the build)."""
    for start in range(0, len(learners), 5_000):
        deliveries, items = [], []
        for row in learners[start : start + 5_000]:
            today = local_date(NOW, row["zone"])
            carded: set[str] = set()  # a lesson met again keeps its cards
            for age, (lesson_id, track_id) in enumerate(
                reversed(lesson_sequence(library, row["tracks"])), start=1
            ):
                sent = stamp(NOW - timedelta(days=age))
                day = (today - timedelta(days=age)).isoformat()
                deliveries.append(
                    (row["id"], day, lesson_id, track_id, 0, "sent", 3, 0, sent, sent, 0)
                )
                if lesson_id in carded:
                    continue
                carded.add(lesson_id)
                for question in library.lessons[lesson_id].questions:
                    items.append(item_row(row["id"], lesson_id, question.id, sent, rng))
        yield deliveries, items


def item_row(
    learner_id: int, lesson_id: str, question_id: str, created: str | None, rng: random.Random
) -> tuple[Any, ...]:
    """One review item: mastered (1 in 10) or due from five days ago to forty days ahead."""
    mastered = rng.random() < 0.1
    due = None if mastered else stamp(NOW + timedelta(hours=rng.uniform(-5 * 24, 40 * 24)))
    return (
        learner_id, lesson_id, question_id, 2, rng.uniform(1, 60), rng.uniform(2, 8), due,
        created, rng.randint(0, 4), 0, 0, created if mastered else None, created,
    )  # fmt: skip


def build(path: Path, library: Library, due: int, background: int) -> dict[str, int]:
    """The database: three groups of ``due`` learners (not yet due) and the background."""
    rows = due_rows(3 * due, DUE_AT) + realistic_rows(
        background, NOW, first_id=3 * due + 1, tick_window=0
    )
    for row in rows[: 3 * due]:
        row["next_due_at"] = None  # each group is made due just before its own tick
    make_database(path, rows).dispose()
    rng = random.Random(7)
    counts = {"learners": len(rows), "deliveries": 0, "review_items": 0}
    add_delivery = insert_sql("delivery", DELIVERY_COLUMNS)
    add_item = insert_sql("reviewitem", ITEM_COLUMNS)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA synchronous=OFF")
        for deliveries, items in history_rows(library, rows, rng):
            connection.executemany(add_delivery, deliveries)
            connection.executemany(add_item, items)
            counts["deliveries"] += len(deliveries)
            counts["review_items"] += len(items)
        connection.commit()
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def make_due(db: Database, group: int, due: int) -> None:
    """Learners ``group * due + 1`` to ``(group + 1) * due`` become due at ``DUE_AT``."""
    first, last = group * due + 1, (group + 1) * due
    with db.engine.begin() as connection:
        connection.execute(
            update(Learner)
            .where(col(Learner.id) >= first, col(Learner.id) <= last)
            .values(next_due_at=DUE_AT)
        )


async def no_review_block(*_args: Any, **_kwargs: Any) -> None:
    """Selection without sending: the block is claimed, nothing goes out."""


async def one_tick(
    tmp: Path, emulator: EmulatorProcess, db_path: Path, group: int, due: int, mode: int
) -> dict[str, Any]:
    """One measured tick over group ``group``'s learners in ``mode`` (0, 1 or 2)."""
    settings = settings_for(tmp, emulator.base_url, db_path)
    services = build_services(settings, ManualClock(NOW))
    make_due(services.db, group, due)
    if mode == 0:
        services.reviews.after_lessons = lambda _lessons: {}  # type: ignore[method-assign]
    real_after_lesson: Callable[..., Awaitable[None]] = review_sending.after_lesson
    if mode == 1:
        review_sending.after_lesson = no_review_block  # type: ignore[assignment]
    application = build_application(settings, services, rate_limiter=False)
    await start_bot(application, poll_timeout=10)
    try:
        gc.collect()
        with measured() as cost:
            await tick(AttuneContext(application))
    finally:
        await stop_bot(application)
        review_sending.after_lesson = real_after_lesson  # type: ignore[assignment]
    first, last = group * due + 1, (group + 1) * due
    with services.db.session() as session:
        mine = (col(Delivery.learner_id) >= first, col(Delivery.learner_id) <= last)
        today = col(Delivery.created_at) >= DUE_AT
        sent = session.exec(select(func.count()).where(*mine, today)).one()
        parts = session.exec(select(func.sum(Delivery.parts_sent)).where(*mine, today)).one()
        picked = session.exec(
            select(func.count()).select_from(ReviewItem).where(
                col(ReviewItem.learner_id) >= first, col(ReviewItem.learner_id) <= last,
                col(ReviewItem.asked_at).is_not(None),
            )
        ).one()  # fmt: skip
        polls = session.exec(
            select(func.count()).select_from(ReviewPoll).where(
                col(ReviewPoll.learner_id) >= first, col(ReviewPoll.learner_id) <= last
            )
        ).one()  # fmt: skip
    services.db.dispose()
    if sent != due:
        raise RuntimeError(f"expected {due} deliveries, {sent} were sent")
    headers = _learners_with_polls(db_path, first, last) if polls else 0
    messages = (parts or 0) + polls + headers
    return {
        "mode": MODES[mode], "deliveries": sent, "messages": messages,
        "reviews_picked": picked, "review_polls": polls, **cost,
    }  # fmt: skip


def _learners_with_polls(db_path: Path, first: int, last: int) -> int:
    """How many learners got a review block (one header message each)."""
    db = Database(f"sqlite:///{db_path}")
    with db.session() as session:
        n = session.exec(
            select(func.count(func.distinct(ReviewPoll.learner_id))).where(
                col(ReviewPoll.learner_id) >= first, col(ReviewPoll.learner_id) <= last
            )
        ).one()
    db.dispose()
    return int(n)


async def review_tick(quick: bool) -> dict[str, Any]:
    due, background = (1_000, 9_000) if quick else (1_000, 97_000)
    with tempfile.TemporaryDirectory(prefix="attune-bench-review-") as tmp_name:
        tmp = Path(tmp_name)
        library = build_services(settings_for(tmp, "", tmp / "lib.db"), ManualClock(NOW)).library
        db_path = tmp / "review.db"
        with measured() as built:
            counts = build(db_path, library, due, background)
        print(
            f"database: {counts['learners']:,} learners, {counts['deliveries']:,} deliveries, "
            f"{counts['review_items']:,} review items ({built['wall']:.0f} s to build)"
        )
        runs = []
        with EmulatorProcess.start() as emulator:
            await add_users(emulator.control_url, range(1, 3 * due + 1))
            for mode in range(3):
                runs.append(await one_tick(tmp, emulator, db_path, mode, due, mode))
    return report(counts, runs)


def report(counts: dict[str, int], runs: list[dict[str, Any]]) -> dict[str, Any]:
    base = runs[0]
    base_ms = base["cpu"] / base["deliveries"] * 1000
    base_msg_ms = base["cpu"] / base["messages"] * 1000
    print(
        f"\n{runs[0]['deliveries']:,} due of {counts['learners']:,} learners, "
        f"{HISTORY_DAYS} days of history each"
    )
    print(
        f"  {'':<28} {'CPU ms/delivery':>15} {'x today':>8} {'messages':>9} "
        f"{'CPU ms/message':>15} {'x today':>8} {'reviews':>8}"
    )
    for run in runs:
        run["cpu_ms"] = run["cpu"] / run["deliveries"] * 1000
        run["cpu_ms_per_message"] = run["cpu"] / run["messages"] * 1000
        run["ratio"] = run["cpu_ms"] / base_ms
        run["ratio_per_message"] = run["cpu_ms_per_message"] / base_msg_ms
        print(
            f"  {run['mode']:<28} {run['cpu_ms']:>15.2f} {run['ratio']:>7.2f}x "
            f"{run['messages']:>9,} {run['cpu_ms_per_message']:>15.2f} "
            f"{run['ratio_per_message']:>7.2f}x {run['review_polls'] or run['reviews_picked']:>8,}"
        )
    selection = runs[1]["ratio"]
    verdict = "MET" if selection <= TARGET_RATIO else "MISSED"
    print(
        f"target: the tick with review selection <= {TARGET_RATIO}x today's tick CPU per "
        f"delivery: {selection:.2f}x -> {verdict}; with the review block sent: "
        f"{runs[2]['ratio']:.2f}x per delivery, {runs[2]['ratio_per_message']:.2f}x per message"
    )
    return {"counts": counts, "runs": runs, "ratio": selection, "verdict": verdict}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = bench_arguments(
        __doc__,
        "review tick: the daily tick with spaced-review selection, 30 days of history",
        "12,000 learners",
        argv,
    )
    print("rate limiter OFF for cost figures; emulator in its own process")
    results = asyncio.run(review_tick(args.quick))
    write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
