"""Learner rows: who is due for a lesson, who is active."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.store.models import Learner


def locked_learner(session: Session, learner_id: int) -> Learner | None:
    """The learner's row, read after taking a lock that lasts until the transaction ends.

    Any worker may handle any update, so two taps of one learner can arrive on two
    workers at once; each change reads the row and writes it back, and without the lock
    the second would overwrite the first with what it read before. A no-op UPDATE is the
    lock on both databases: PostgreSQL locks the row (as SELECT ... FOR UPDATE would) and
    SQLite, which has no row locks, takes its write lock first, so the read after it
    sees whatever the other worker committed.
    """
    session.exec(
        update(Learner)
        .where(col(Learner.id) == learner_id)
        .values(chat_id=col(Learner.chat_id))
        .execution_options(synchronize_session=False)
    )
    return session.get(Learner, learner_id, populate_existing=True)


def learners_due_query(now: datetime, limit: int) -> SelectOfScalar[Learner]:
    """The delivery tick's "who is due now?" statement (``bench/due_query.py`` times it)."""
    return (
        select(Learner)
        .where(col(Learner.next_due_at) <= now)
        .order_by(col(Learner.next_due_at))
        .limit(limit)
    )


def learners_due(session: Session, now: datetime, limit: int) -> Sequence[Learner]:
    """Up to ``limit`` learners whose next lesson is due at ``now``, longest waiting first."""
    return session.exec(learners_due_query(now, limit)).all()


def count_due(session: Session, now: datetime) -> int:
    """How many learners' lessons are due at ``now`` (an index range on ``next_due_at``)."""
    statement = select(func.count()).select_from(Learner).where(col(Learner.next_due_at) <= now)
    return int(session.exec(statement).one())


def active_learner_ids(session: Session) -> list[int]:
    """Every learner who is neither paused, stopped nor blocked."""
    return [int(i) for i in session.exec(select(Learner.id).where(Learner.status == "active"))]
