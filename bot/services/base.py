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
