"""A learner's own data: export all of it, or erase all of it.

Which tables hold it is read from the table metadata (``bot.store.queries.personal_data``),
so a table added later is exported and erased without anyone remembering to.

Erasing never leaves a team without a facilitator: the only facilitator of a team with
other members hands over or closes it first; a team they are alone in goes with them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from bot.services.base import Refusal, Service
from bot.store.models import Learner
from bot.store.queries.personal_data import erase_learner, rows_about
from bot.store.queries.teams import delete_team, sole_facilitations

logger = logging.getLogger(__name__)


class PrivacyProblem(Refusal):
    """Why erasing was refused (``last_facilitator``: a team would lose its only one)."""


class Privacy(Service):
    """/mydata and /deletemydata."""

    def export(self, learner_id: int) -> dict[str, Any] | None:
        """Everything stored about the learner, table by table; ``None`` if nothing is."""
        with self.db.session() as session:
            if session.get(Learner, learner_id) is None:
                return None
            data: dict[str, Any] = {"exported_at": self.clock.now().isoformat()}
            for table, rows in rows_about(session, learner_id).items():
                data[table] = [_plain(row) for row in rows]
            return data

    def erase(self, learner_id: int) -> bool:
        """Delete every row about the learner, and every copy of it on disk.

        ``False`` if there was nothing to delete; ``PrivacyProblem('last_facilitator')``
        while the learner is the only facilitator of a team with other members. Teams they
        are alone in are closed with them. Blocking (it waits to empty the database's
        log): the edge calls it from a thread.
        """
        with self.db.session() as session:
            if session.get(Learner, learner_id) is None:
                return False
            alone_in = []
            for team_id, _name, others in sole_facilitations(session, learner_id):
                if others:
                    raise PrivacyProblem("last_facilitator")
                alone_in.append(team_id)
            for team_id in alone_in:
                delete_team(session, team_id)
            erase_learner(session, learner_id)
        if not self.db.scrub():
            logger.warning("erased data may linger in the write-ahead log until a checkpoint")
        return True


def _plain(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row as JSON-ready values."""
    return {
        key: value.isoformat() if isinstance(value, datetime | date) else value
        for key, value in row.items()
    }
