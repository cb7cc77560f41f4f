"""Everything stored about one learner, found from the table metadata.

Working from the metadata rather than a hand-kept list means a table added later is
exported and erased without anyone remembering to: every table that mentions a learner
does so through a ``learner_id`` column, or is the learner table itself.
"""

from __future__ import annotations

from sqlalchemy import RowMapping, Table, delete, select
from sqlmodel import Session, SQLModel

from bot.store.models import Learner

PERSON_COLUMNS = ("learner_id",)


def tables_about_learners() -> list[tuple[Table, str]]:
    """Every table with rows about a learner, and the column that names them."""
    # The type: ignore below: SQLModel adds __table__ at class creation.
    found: list[tuple[Table, str]] = [(Learner.__table__, "id")]  # type: ignore[attr-defined]
    for table in SQLModel.metadata.sorted_tables:
        for column in PERSON_COLUMNS:
            if column in table.columns:
                found.append((table, column))
    return found


def rows_about(session: Session, learner_id: int) -> dict[str, list[RowMapping]]:
    """Every row about the learner, by table name (the learner table first)."""
    found: dict[str, list[RowMapping]] = {}
    for table, column in tables_about_learners():
        rows = session.execute(select(table).where(table.c[column] == learner_id))
        found[table.name] = [row._mapping for row in rows]
    return found


def erase_learner(session: Session, learner_id: int) -> None:
    """Delete every row about the learner, rows that depend on others first."""
    for table, column in reversed(tables_about_learners()):
        session.execute(delete(table).where(table.c[column] == learner_id))
