"""The elected sender: of several workers on one database, one runs scheduled sending.

Telegram's 30 messages/s is a limit for the whole bot, so one worker sends, with the one
rate limiter, and the others handle updates. The sender holds the ``sender`` lease for
``ttl`` (20 s) and renews it every quarter of that (5 s); if it dies, its lease runs out
and another worker takes it at its next renewal, within ``ttl`` and one renewal period
(25 s) of the death. Every worker also holds a lease on its own id while it is alive: a
delivery or an announcement names the worker sending it, and only once that worker's
lease has run out does anyone else resume its work (``Deliveries.unfinished``,
``Announcements.claim``).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.content.model import Library
from bot.learning.lease import expiry, may_take, renew_every, trusted
from bot.services.base import Service
from bot.store.engine import Database
from bot.store.queries.leases import SENDER, give_up, holding, prune_workers, take, worker_lease

logger = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=20)


def new_worker_id() -> str:
    """``host:pid:random``: unique per process, and a person can tell where it ran."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(3)}"


class Leases(Service):
    """This worker's leases: its own (it is alive) and, when elected, the sender's."""

    def __init__(
        self, db: Database, library: Library, clock: Clock, *, worker: str, ttl: timedelta
    ) -> None:
        super().__init__(db, library, clock)
        self.worker, self.ttl = worker, ttl
        self._sender_until: datetime | None = None

    @property
    def renew_every(self) -> timedelta:
        """How often ``renew`` must run to keep the leases."""
        return renew_every(self.ttl)

    def leader(self) -> bool:
        """Whether this worker is the elected sender now (no I/O: metrics read this).

        It stops being one a renewal period before its lease runs out, even if the
        database cannot be reached to say so: sending stops before anyone takes over.
        """
        return trusted(self.clock.now(), self._sender_until, self.ttl)

    def renew(self) -> bool:
        """Renew this worker's own lease and take or keep the sender's; ``True`` if elected.

        One transaction: compare-and-set on each row, so two workers never both win.
        """
        now = self.clock.now()
        until = expiry(now, self.ttl)
        was = self.leader()
        with self.db.session() as session:
            mine = worker_lease(self.worker)
            take(session, mine, self.worker, until, holding(session, mine))
            seen = holding(session, SENDER)
            elected = may_take(now, seen, self.worker) and take(
                session, SENDER, self.worker, until, seen
            )
            if elected:
                prune_workers(session, now)
        self._sender_until = until if elected else None
        if elected != was:
            status = "is now" if elected else "is no longer"
            logger.info("worker %s %s the sender", self.worker, status)
        return elected

    def release(self) -> None:
        """Hand every lease over at once: this worker has stopped and sends nothing more."""
        self._sender_until = None
        with self.db.session() as session:
            give_up(session, self.worker, self.clock.now())
