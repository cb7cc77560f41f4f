"""Telegram updates handled once, even when Telegram sends one again.

Telegram re-sends an update whose webhook answered slowly or not at all, and behind a
load balancer the copy may reach another worker. Each update id is taken in the database
before the update is handled, so only the first copy is; Telegram keeps an update for at
most a day, so ids older than that are pruned by the tick.
"""

from __future__ import annotations

from datetime import timedelta

from bot.services.base import Service
from bot.store.queries.updates import forget_updates_before, take_update

# Telegram does not keep an update longer than 24 hours; an hour more for clock skew.
KEEP = timedelta(hours=25)


class Updates(Service):
    """Which update ids have been taken."""

    def first_time(self, update_id: int) -> bool:
        """Take ``update_id``; ``True`` only for the first copy of an update, fleet-wide."""
        with self.db.engine.begin() as connection:
            return take_update(connection, update_id, self.clock.now())

    def prune(self) -> int:
        """Forget ids older than Telegram could still re-send; return how many."""
        with self.db.engine.begin() as connection:
            return forget_updates_before(connection, self.clock.now() - KEEP)
