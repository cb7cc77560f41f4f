"""Telegram updates handled once, even when Telegram sends one again or a worker dies.

Telegram re-sends an update whose webhook answered slowly, failed or never answered, and
behind a load balancer the copy may reach another worker. A worker takes the update id in
the database (with its own name) before handling it, and marks it handled afterwards; it
answers Telegram only then. So a copy of a handled update is ignored, a copy of one a live
worker is handling is put off (Telegram tries again later), and a copy of one whose worker
died mid-way (its own lease ran out) is handled by the worker that got the copy. Telegram
keeps an update for at most a day, so ids older than that are pruned by the tick.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.content.model import Library
from bot.services.base import Service
from bot.store.engine import Database
from bot.store.queries.updates import Taking, forget_updates_before, mark_handled, take_update

# Telegram does not keep an update longer than 24 hours; an hour more for clock skew.
KEEP = timedelta(hours=25)

__all__ = ["KEEP", "Taking", "Updates"]


class Updates(Service):
    """Which update ids have been taken, by which worker, and which were handled."""

    def __init__(self, db: Database, library: Library, clock: Clock, *, worker: str) -> None:
        super().__init__(db, library, clock)
        self.worker = worker

    def take(self, update_id: int) -> Taking:
        """Take ``update_id`` for this worker, unless it is handled or in live hands."""
        with self.db.engine.begin() as connection:
            return take_update(connection, update_id, self.worker, self.clock.now())

    def handled(self, update_id: int) -> None:
        """This worker has handled ``update_id``."""
        with self.db.engine.begin() as connection:
            mark_handled(connection, update_id, self.worker, self.clock.now())

    def prune(self) -> int:
        """Forget ids older than Telegram could still re-send; return how many."""
        with self.db.engine.begin() as connection:
            return forget_updates_before(connection, self.clock.now() - KEEP)
