"""A learner's own data: export all of it, or erase all of it.

Both work from the table metadata rather than a hand-kept list, so a table added later
(teams, reflections, ...) is exported and erased without anyone remembering to: every
table that mentions a learner does so through a ``learner_id`` column, or is the
learner table itself.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, select
from sqlmodel import SQLModel

from bot.services.base import Service
from bot.store.models import Learner

logger = logging.getLogger(__name__)

PERSON_COLUMNS = ("learner_id",)


def tables_about_learners() -> list[tuple[Table, str]]:
    """Every table with rows about a learner, and the column that names them."""
    found: list[tuple[Table, str]] = [(Learner.__table__, "id")]  # type: ignore[attr-defined]
    for table in SQLModel.metadata.sorted_tables:
        for column in PERSON_COLUMNS:
            if column in table.columns:
                found.append((table, column))
    return found


class Privacy(Service):
    """/mydata and /deletemydata."""

    def export(self, learner_id: int) -> dict[str, Any] | None:
        """Everything stored about the learner, table by table; ``None`` if nothing is."""
        with self.db.session() as session:
            if session.get(Learner, learner_id) is None:
                return None
            data: dict[str, Any] = {"exported_at": self.clock.now().isoformat()}
            for table, column in tables_about_learners():
                rows = session.execute(select(table).where(table.c[column] == learner_id))
                data[table.name] = [_plain(row._mapping) for row in rows]
            return data

    def erase(self, learner_id: int) -> bool:
        """Delete every row about the learner, and every copy of it on disk.

        ``False`` if there was nothing to delete. Blocking (it waits to empty the
        database's log): the edge calls it from a thread.
        """
        with self.db.session() as session:
            if session.get(Learner, learner_id) is None:
                return False
            for table, column in reversed(tables_about_learners()):
                session.execute(delete(table).where(table.c[column] == learner_id))
        if not self.db.scrub():
            logger.warning("erased data may linger in the write-ahead log until a checkpoint")
        return True


def _plain(row: Any) -> dict[str, Any]:
    """A row as JSON-ready values."""
    return {
        key: value.isoformat() if isinstance(value, datetime | date) else value
        for key, value in row.items()
    }
