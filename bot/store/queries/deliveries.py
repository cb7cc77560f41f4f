"""Delivery rows: the days served to a learner, sending in progress, and the streak's days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, update
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from bot.learning.content_notes import NOT_TAUGHT, NOTE_DUE
from bot.learning.streaks import ScheduledDay
from bot.store.models import Delivery, Learner
from bot.store.queries.answers import insert_polls
from bot.store.queries.leases import abandoned


@dataclass(frozen=True, slots=True)
class Served:
    """One past delivery, as choosing the next lesson and the next day needs it.

    ``taught`` is false for a sensitive lesson skipped at its content note, or whose note
    is still unanswered: the day was served, the lesson was not.
    """

    lesson_id: str
    track_id: str
    local_date: date
    taught: bool = True


def past_deliveries(session: Session, learner_ids: list[int]) -> dict[int, list[Served]]:
    """Every learner's past deliveries, oldest first, in one query for a whole batch.

    SQLModel's ``select`` is typed for up to four columns; SQLAlchemy's takes five.
    """
    rows = (
        session.connection()
        .execute(
            columns(
                col(Delivery.learner_id),
                col(Delivery.lesson_id),
                col(Delivery.track_id),
                col(Delivery.local_date),
                col(Delivery.state),
            )
            .where(col(Delivery.learner_id).in_(learner_ids))
            .order_by(col(Delivery.local_date), col(Delivery.id))
        )
        .all()
    )
    found: dict[int, list[Served]] = {}
    for learner_id, lesson_id, track_id, day, state in rows:
        found.setdefault(learner_id, []).append(
            Served(lesson_id, track_id, day, state not in NOT_TAUGHT)
        )
    return found


def delivery_on(session: Session, learner_id: int, day: date) -> Delivery | None:
    """The learner's delivery for local day ``day``, if one was claimed."""
    query = select(Delivery).where(Delivery.learner_id == learner_id, Delivery.local_date == day)
    return session.exec(query).first()


def delivery_of(
    session: Session, delivery_id: int, learner_id: int
) -> tuple[Delivery, Learner] | None:
    """The delivery ``delivery_id`` with its learner, if it is ``learner_id``'s."""
    query = (
        select(Delivery, Learner)
        .join(Learner)
        .where(Delivery.id == delivery_id, Delivery.learner_id == learner_id)
    )
    found = session.exec(query).first()
    return (found[0], found[1]) if found is not None else None


def latest_lesson_id(session: Session, learner_id: int) -> str | None:
    """The lesson of the learner's most recent delivery, if any."""
    return session.exec(
        select(Delivery.lesson_id)
        .where(col(Delivery.learner_id) == learner_id)
        .order_by(col(Delivery.local_date).desc(), col(Delivery.id).desc())
        .limit(1)
    ).first()


def lesson_of_delivery(session: Session, learner_id: int, delivery_id: int) -> str | None:
    """The lesson of one of the learner's deliveries (``None``: not theirs, or gone)."""
    query = select(Delivery.lesson_id).where(
        Delivery.id == delivery_id, Delivery.learner_id == learner_id
    )
    return session.exec(query).first()


def last_served_day(session: Session, learner_id: int) -> date | None:
    """The latest local day this learner was served (none is served twice)."""
    query = select(func.max(Delivery.local_date)).where(Delivery.learner_id == learner_id)
    return session.exec(query).one()


def adopt_unfinished(
    session: Session, worker: str, now: datetime
) -> Sequence[tuple[Delivery, Learner]]:
    """Claimed deliveries (the lesson, or a sensitive lesson's content note) no live
    worker is sending, now ``worker``'s, with their learners.

    One conditional UPDATE makes them ours: of two workers running this at once, each
    row goes to one. A delivery another live worker is sending is left alone.
    """
    adopted = session.connection().execute(
        update(Delivery)
        .where(
            col(Delivery.state).in_(("claimed", NOTE_DUE)),
            abandoned(col(Delivery.sender), worker, now),
        )
        .values(sender=worker)
        .returning(col(Delivery.id))
    )
    ids = [row[0] for row in adopted]
    if not ids:
        return []
    query = select(Delivery, Learner).join(Learner).where(col(Delivery.id).in_(ids))
    return session.exec(query.order_by(col(Delivery.id))).all()


def hand_back(connection: Connection, worker: str, delivery_ids: list[int]) -> None:
    """``worker`` stopped sending these: the sender (this one, or another) resumes them."""
    connection.execute(
        update(Delivery)
        .where(col(Delivery.id).in_(delivery_ids), col(Delivery.sender) == worker)
        .values(sender=None)
    )


def excuse_open_days(session: Session, learner_id: int, today: date) -> None:
    """Mark the learner's unfinished days from ``today`` on as excused from the streak."""
    query = select(Delivery).where(
        Delivery.learner_id == learner_id,
        Delivery.local_date >= today,
        col(Delivery.completed_at).is_(None),
    )
    for delivery in session.exec(query):
        delivery.excused = True
        session.add(delivery)


def lessons_completed_by_track(session: Session, learner_id: int) -> dict[str, int]:
    """Distinct lessons the learner completed, per track."""
    rows = session.exec(
        select(Delivery.track_id, func.count(func.distinct(Delivery.lesson_id)))
        .where(Delivery.learner_id == learner_id, col(Delivery.completed_at).is_not(None))
        .group_by(Delivery.track_id)
    ).all()
    return dict(rows)


def completed_lesson_ids(session: Session, learner_id: int, excluding: int) -> set[str]:
    """Lessons the learner completed on any delivery but ``excluding`` (a delivery id)."""
    query = select(Delivery.lesson_id).where(
        Delivery.learner_id == learner_id,
        col(Delivery.completed_at).is_not(None),
        Delivery.id != excluding,
    )
    return set(session.exec(query).all())


_HISTORY = select(
    col(Delivery.local_date), col(Delivery.completed_at), col(Delivery.excused)
).where(Delivery.learner_id == bindparam("learner_id"))


def scheduled_days(db: Session | Connection, learner_id: int) -> list[ScheduledDay]:
    """Every day the learner was served and what became of it, for the streak.

    Runs on a session or on a bare connection (answer recording holds no session).
    """
    connection = db.connection() if isinstance(db, Session) else db
    rows = connection.execute(_HISTORY, {"learner_id": learner_id}).all()
    return [ScheduledDay(day, done is not None, excused) for day, done, excused in rows]


_PROGRESS = (
    update(Delivery)
    .where(col(Delivery.id) == bindparam("p_id"), col(Delivery.sender) == bindparam("p_owner"))
    .values(
        parts_sent=bindparam("p_sent"),
        part_in_flight=bindparam("p_flight"),
        state=bindparam("p_state"),
        sender=bindparam("p_sender"),
    )
)


def record_sending(
    connection: Connection,
    worker: str,
    progress: list[dict[str, Any]],
    polls: list[dict[str, Any]],
) -> set[int]:
    """Write the sending progress of many deliveries and the quiz polls just sent.

    ``progress`` rows hold ``p_id`` (the delivery), ``p_sent`` (parts confirmed),
    ``p_flight`` (the part in flight, or ``None``), ``p_state`` and ``p_sender`` (``None``
    once the run ends); ``polls`` are ``QuizPoll`` rows. Plain executemany statements: at
    one row per part of every lesson, ORM objects would cost more CPU than sending the
    messages does.

    A row is written only while ``worker`` is its sender. Returns the deliveries that
    are no longer ``worker``'s: another worker took them over, so their parts must not go.
    """
    lost: set[int] = set()
    if progress:
        rows = [{**row, "p_owner": worker} for row in progress]
        result = connection.execute(_PROGRESS, rows)
        if not (connection.dialect.supports_sane_multi_rowcount and result.rowcount == len(rows)):
            kept = [row["p_id"] for row in rows if row["p_sender"] == worker]
            lost = _not_sent_by(connection, worker, kept)
    if polls:  # even for a delivery taken over: the poll went out, its answers count
        insert_polls(connection, polls)
    return lost


def _not_sent_by(connection: Connection, worker: str, delivery_ids: list[int]) -> set[int]:
    """Those of ``delivery_ids`` whose sender is not ``worker``."""
    mine = connection.execute(
        select(col(Delivery.id)).where(
            col(Delivery.id).in_(delivery_ids), col(Delivery.sender) == worker
        )
    )
    return set(delivery_ids) - {row[0] for row in mine}
