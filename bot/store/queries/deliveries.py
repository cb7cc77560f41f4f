"""Delivery rows: the days served to a learner, sending in progress, and the streak's days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, update
from sqlmodel import Session, col, select

from bot.learning.streaks import ScheduledDay
from bot.store.models import Delivery, Learner, QuizPoll


@dataclass(frozen=True, slots=True)
class Served:
    """One past delivery, as choosing the next lesson and the next day needs it."""

    lesson_id: str
    track_id: str
    local_date: date


def past_deliveries(session: Session, learner_ids: list[int]) -> dict[int, list[Served]]:
    """Every learner's past deliveries, oldest first, in one query for a whole batch."""
    rows = session.exec(
        select(
            col(Delivery.learner_id),
            col(Delivery.lesson_id),
            col(Delivery.track_id),
            col(Delivery.local_date),
        )
        .where(col(Delivery.learner_id).in_(learner_ids))
        .order_by(col(Delivery.local_date), col(Delivery.id))
    ).all()
    found: dict[int, list[Served]] = {}
    for learner_id, lesson_id, track_id, day in rows:
        found.setdefault(learner_id, []).append(Served(lesson_id, track_id, day))
    return found


def delivery_on(session: Session, learner_id: int, day: date) -> Delivery | None:
    """The learner's delivery for local day ``day``, if one was claimed."""
    query = select(Delivery).where(Delivery.learner_id == learner_id, Delivery.local_date == day)
    return session.exec(query).first()


def latest_lesson_id(session: Session, learner_id: int) -> str | None:
    """The lesson of the learner's most recent delivery, if any."""
    return session.exec(
        select(Delivery.lesson_id)
        .where(col(Delivery.learner_id) == learner_id)
        .order_by(col(Delivery.local_date).desc(), col(Delivery.id).desc())
        .limit(1)
    ).first()


def last_served_day(session: Session, learner_id: int) -> date | None:
    """The latest local day this learner was served (none is served twice)."""
    query = select(func.max(Delivery.local_date)).where(Delivery.learner_id == learner_id)
    return session.exec(query).one()


def unfinished_deliveries(session: Session) -> Sequence[tuple[Delivery, Learner]]:
    """Claimed deliveries whose sending has not finished, with their learners."""
    query = select(Delivery, Learner).join(Learner).where(Delivery.state == "claimed")
    return session.exec(query.order_by(col(Delivery.id))).all()


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
    .where(col(Delivery.id) == bindparam("p_id"))
    .values(
        parts_sent=bindparam("p_sent"),
        part_in_flight=bindparam("p_flight"),
        state=bindparam("p_state"),
    )
)
_INSERT_POLL = insert(QuizPoll)


def record_sending(
    connection: Connection, progress: list[dict[str, Any]], polls: list[dict[str, Any]]
) -> None:
    """Write the sending progress of many deliveries and the quiz polls just sent.

    ``progress`` rows hold ``p_id`` (the delivery), ``p_sent`` (parts confirmed),
    ``p_flight`` (the part in flight, or ``None``) and ``p_state``; ``polls`` are
    ``QuizPoll`` rows. Plain executemany statements: at one row per part of every lesson,
    ORM objects would cost more CPU than sending the messages does.
    """
    if progress:
        connection.execute(_PROGRESS, progress)
    if polls:
        connection.execute(_INSERT_POLL, polls)
