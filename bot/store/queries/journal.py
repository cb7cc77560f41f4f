"""Journal rows: a learner's private notes and how long they are kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from bot.store.models import JournalEntry, JournalKeep


def keep_days(session: Session, learner_id: int) -> int | None:
    """How many days the learner's entries are kept; ``None``: until they delete them."""
    row = session.get(JournalKeep, learner_id)
    return row.days if row is not None else None


def set_keep_days(session: Session, learner_id: int, days: int | None) -> None:
    """Keep entries ``days`` days (``None``: no expiry), old entries included."""
    row = session.get(JournalKeep, learner_id)
    if days is None:
        if row is not None:
            session.delete(row)
    else:
        session.add(JournalKeep(learner_id=learner_id, days=days) if row is None else row)
        if row is not None:
            row.days = days
    entries = session.exec(select(JournalEntry).where(JournalEntry.learner_id == learner_id))
    for entry in entries:
        entry.expires_at = entry.created_at + timedelta(days=days) if days else None
        session.add(entry)


def recent_entries(session: Session, learner_id: int, limit: int) -> Sequence[JournalEntry]:
    """The learner's newest entries, newest first."""
    return session.exec(
        select(JournalEntry)
        .where(JournalEntry.learner_id == learner_id)
        .order_by(col(JournalEntry.created_at).desc(), col(JournalEntry.id).desc())
        .limit(limit)
    ).all()


def entry_count(session: Session, learner_id: int) -> int:
    """How many entries the learner has."""
    query = select(func.count()).where(JournalEntry.learner_id == learner_id)
    return int(session.exec(query).one())


def delete_expired(session: Session, now: datetime) -> int:
    """Delete every entry past its expiry; how many went."""
    statement = delete(JournalEntry).where(col(JournalEntry.expires_at) <= now)
    return session.connection().execute(statement).rowcount
