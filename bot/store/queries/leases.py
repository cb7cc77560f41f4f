"""Leases: the elected sender's, and each worker's own, which says it is alive.

Taking a lease is compare-and-set: read the row (locked on PostgreSQL), decide by the
rule in ``bot.learning.lease``, then update it only if it still holds what was read. The
same statements run on SQLite (one writer at a time) and PostgreSQL (row locks).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from bot.learning.lease import Holding
from bot.store.models import Lease

SENDER = "sender"
WORKER = "worker:"
FORGET_AFTER = timedelta(days=1)  # expired worker leases are kept this long, then pruned


def worker_lease(worker: str) -> str:
    """The name of the lease a worker holds on itself while it is alive."""
    return WORKER + worker


def holding(session: Session, name: str) -> Holding | None:
    """The lease ``name`` as stored, locked until the transaction ends (on PostgreSQL)."""
    row = session.exec(select(Lease).where(Lease.name == name).with_for_update()).first()
    return Holding(row.owner, row.expires_at) if row else None


def take(session: Session, name: str, me: str, until: datetime, seen: Holding | None) -> bool:
    """Set ``name`` to ``me`` until ``until`` if it still is as ``seen``; ``True`` if so."""
    if seen is None:
        try:
            with session.begin_nested():
                session.add(Lease(name=name, owner=me, expires_at=until))
        except IntegrityError:
            return False  # another worker created it first
        return True
    result = session.exec(
        update(Lease)
        .where(
            col(Lease.name) == name,
            col(Lease.owner) == seen.owner,
            col(Lease.expires_at) == seen.expires_at,
        )
        .values(owner=me, expires_at=until)
    )
    return bool(result.rowcount == 1)


def give_up(session: Session, me: str, now: datetime) -> None:
    """Let every lease ``me`` holds expire now (a clean shutdown hands over at once)."""
    session.exec(update(Lease).where(col(Lease.owner) == me).values(expires_at=now))


def prune_workers(session: Session, now: datetime) -> None:
    """Forget workers whose lease ran out long ago (one row per process ever started)."""
    session.exec(
        delete(Lease).where(
            col(Lease.name).startswith(WORKER), col(Lease.expires_at) < now - FORGET_AFTER
        )
    )


def abandoned(sender: Mapped[str | None], me: str, now: datetime) -> ColumnElement[bool]:
    """Rows whose ``sender`` no worker is working on: none was, or it is no longer alive.

    Never this worker's own: while it runs this, it is alive.
    """
    alive = select(Lease.owner).where(
        col(Lease.name).startswith(WORKER), col(Lease.expires_at) > now
    )
    return or_(sender.is_(None), (sender != me) & sender.not_in(alive))
