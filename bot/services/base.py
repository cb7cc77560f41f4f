"""What every service shares: one database, one lesson library and one clock."""

from __future__ import annotations

from bot.clock import Clock
from bot.content.model import Library
from bot.store.engine import Database


class Service:
    """Base for the services; they differ in what they do, not in what they need."""

    def __init__(self, db: Database, library: Library, clock: Clock) -> None:
        self.db = db
        self.library = library
        self.clock = clock


class Refusal(Exception):
    """A service refused an action and changed nothing; ``code`` selects the reply.

    Each service raises its own kind (``TeamProblem``, ``ChallengeProblem``,
    ``AnnouncementProblem``); the Telegram edge turns any of them into a kind reply.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
