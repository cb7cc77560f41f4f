"""Processed update ids: taken once across every worker, pruned after a day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import col

from bot.store.models import ProcessedUpdate


def take_update(connection: Connection, update_id: int, now: datetime) -> bool:
    """Record ``update_id`` as taken; ``False`` if a worker (this one or another) took it.

    One ``INSERT ... ON CONFLICT DO NOTHING``: the check and the insert are a single
    atomic statement on SQLite and PostgreSQL alike, so two workers given the same update
    at the same moment cannot both see it as new.
    """
    row = {"update_id": update_id, "received_at": now}
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ProcessedUpdate).values(row).on_conflict_do_nothing()
    # RETURNING, not rowcount: psycopg under SQLAlchemy reports -1 for this INSERT.
    taken = statement.returning(col(ProcessedUpdate.update_id))
    return connection.execute(taken).first() is not None


def forget_updates_before(connection: Connection, before: datetime) -> int:
    """Delete the ids taken before ``before``; return how many went."""
    statement = delete(ProcessedUpdate).where(col(ProcessedUpdate.received_at) < before)
    return connection.execute(statement).rowcount
