"""On PostgreSQL no database statement runs on the event loop, whatever a person does.

Each statement is a network round trip there: one on the loop stalls every chat at once.
A probe on the engine notes each statement run on the loop's thread while people use
the bot only by chatting (no scene is built through the services here, since the test's
own calls run on the loop). On SQLite, where short calls stay on the loop by design, the
same probe must see some: that shows it works.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.e2e.harness import Harness
from tests.e2e.scenes import ANN, FAY, MONDAY_0730

pytestmark = pytest.mark.both_databases


@contextmanager
def statements_on_the_loop(h: Harness) -> Iterator[list[str]]:
    """The statements of the bot's engine that ran on this (the loop's) thread."""
    assert h.services is not None
    engine, loop_thread, seen = h.services.db.engine, threading.get_ident(), []

    def probe(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.get_ident() == loop_thread:  # where in the edge it came from
            frames = traceback.extract_stack()
            seen.append(" <- ".join(f.name for f in frames if "/bot/telegram/" in f.filename))

    event.listen(engine, "before_cursor_execute", probe)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", probe)


async def a_day_of_attune_by_chat(h: Harness) -> None:
    """Setup, a team and its admin, a challenge, a lesson and its quiz, settings,
    announcements (now and scheduled), feedback, data and erasure."""
    h.user(ANN, "Ann")
    h.user(FAY, "Fay")
    await h.onboard(ANN)
    await h.onboard(FAY)
    await h.say(FAY, "/newteam Riverside clinic")
    code = next(t for t in h.texts(FAY) if "Join code:" in t).split("Join code: ")[1][:11]
    await h.say(ANN, f"/join {code}")
    await h.tap(ANN, "Join and show my first name")
    await h.say(FAY, "/challenge Cultural humility 2")
    await h.say(FAY, "/teamadmin")
    await h.tap(FAY, "New join code")
    await h.tap(FAY, "Yes, issue a new code")
    await h.say(FAY, "/teamadmin")
    await h.tap(FAY, "Rename")
    await h.say(FAY, "Northside")
    await h.say(FAY, "/teamadmin")
    await h.tap(FAY, "Members")
    await h.tap(FAY, "Make facilitator: Ann")
    await h.say(FAY, "/org")
    await h.move_to(MONDAY_0730)
    await h.answer_quiz(ANN)
    for command in ("/today", "/progress", "/team", "/myteams", "/help", "/pause 2"):
        await h.say(ANN, command)
    await h.say(ANN, "/resume")
    await h.say(FAY, "/teamstats")
    await h.say(FAY, "/announce")
    await h.say(FAY, "Supervision moves to Thursday.")
    await h.tap(FAY, "Send now")
    await h.say(FAY, "/announce")
    await h.say(FAY, "Journal club on Friday.")
    await h.tap(FAY, "Schedule")
    await h.say(FAY, "tomorrow 15:00")
    await h.say(FAY, "/announcements")
    await h.say(ANN, "/feedback The second source link is broken.")
    await h.say(ANN, "/mydata")
    await h.say(ANN, "/deletemydata")
    await h.tap(ANN, "Delete everything")
    said = "\n".join(h.texts(FAY))
    for step in ("Challenge set for", "now called Northside", "Ann is now a facilitator",
                 "delivered to 1 of 1", "Scheduled for Tuesday 3 March at 15:00"):  # fmt: skip
        assert step in said, step


async def test_no_statement_runs_on_the_loop_on_postgresql(harness: Harness, backend: str) -> None:
    h = harness
    with statements_on_the_loop(h) as seen:
        await a_day_of_attune_by_chat(h)
    assert "everything Attune stored about you is deleted" in h.texts(ANN)[-1]
    if backend == "postgresql":
        assert seen == [], f"{len(seen)} statements ran on the event loop: {sorted(set(seen))}"
    else:
        assert seen, "SQLite keeps short calls on the loop; the probe should have seen them"
