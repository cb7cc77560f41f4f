"""Processed update ids: taken by one worker at a time, handled once, pruned after a day."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import col, select

from bot.store.models import ProcessedUpdate
from bot.store.queries.leases import abandoned


class Taking(Enum):
    """What became of an attempt to take an update."""

    TAKEN = "taken"  # this worker handles it now: it is new, or its worker died with it
    HANDLED = "handled"  # a worker handled it already: a re-sent copy, to ignore
    BUSY = "busy"  # a live worker is handling it now: ask Telegram to try again later


def take_update(connection: Connection, update_id: int, me: str, now: datetime) -> Taking:
    """Take ``update_id`` for worker ``me`` if no live worker has it and none handled it.

    Each step is one atomic statement on SQLite and PostgreSQL alike: an ``INSERT ... ON
    CONFLICT DO NOTHING`` for a new id, else an ``UPDATE`` whose condition (not handled,
    its worker's lease run out) is checked again under the row lock, so two workers given
    the same update at the same moment cannot both take it.
    """
    row = {"update_id": update_id, "received_at": now, "owner": me}
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(ProcessedUpdate).values(row).on_conflict_do_nothing()
    # RETURNING, not rowcount: psycopg under SQLAlchemy reports -1 for this INSERT.
    if connection.execute(insert.returning(col(ProcessedUpdate.update_id))).first():
        return Taking.TAKEN
    retake = (
        update(ProcessedUpdate)
        .where(
            col(ProcessedUpdate.update_id) == update_id,
            col(ProcessedUpdate.handled_at).is_(None),
            abandoned(col(ProcessedUpdate.owner), me, now),
        )
        .values(owner=me, received_at=now)
        .returning(col(ProcessedUpdate.update_id))
    )
    if connection.execute(retake).first():
        return Taking.TAKEN
    handled = select(ProcessedUpdate.handled_at).where(ProcessedUpdate.update_id == update_id)
    return Taking.BUSY if connection.execute(handled).scalar_one() is None else Taking.HANDLED


def mark_handled(connection: Connection, update_id: int, me: str, now: datetime) -> None:
    """``me`` has handled ``update_id``: any copy from now on is ignored."""
    connection.execute(
        update(ProcessedUpdate)
        .where(col(ProcessedUpdate.update_id) == update_id, col(ProcessedUpdate.owner) == me)
        .values(handled_at=now)
    )


def forget_updates_before(connection: Connection, before: datetime) -> int:
    """Delete the ids taken before ``before``; return how many went."""
    statement = delete(ProcessedUpdate).where(col(ProcessedUpdate.received_at) < before)
    return connection.execute(statement).rowcount
