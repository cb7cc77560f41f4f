"""Quiz answers, and the polls they answer.

Answers are the bot's hottest write path (a whole cohort answers within minutes of a
lesson), so recording one uses SQLAlchemy Core on one connection rather than ORM objects:
one joined lookup, one insert, one guarded update, and two reads only when a day
completes. The statements are built once, with bound parameters, so their compiled form
is cached.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeAlias

from sqlalchemy import Connection, Integer, Row, bindparam, cast, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.store.models import Answer, Delivery, Learner, QuizPoll, ReviewPoll

# The poll, its day and its learner in one round trip; no row means "not ours to count"
# (unknown poll, someone else's poll, or its delivery or learner gone).
# One row of _FIND_POLL: delivery, question, key (as shown), lesson, review?, chat, zone,
# local day, the order the options were shown in.
PollRow: TypeAlias = "Row[int, str, int, str, bool, int, str | None, date, str]"
_FIND_POLL = (
    # SQLAlchemy's select over col(...): SQLModel's typed overloads stop at four columns.
    sa_select(
        col(QuizPoll.delivery_id),
        col(QuizPoll.question_id),
        col(QuizPoll.correct_index),
        col(Delivery.lesson_id),
        col(Delivery.review),
        col(Learner.chat_id),
        col(Learner.zone),
        col(Delivery.local_date),
        col(QuizPoll.option_order),
    )
    .join(Delivery, col(Delivery.id) == col(QuizPoll.delivery_id))
    .join(Learner, col(Learner.id) == col(QuizPoll.learner_id))
    .where(
        col(QuizPoll.poll_id) == bindparam("poll_id"),
        col(QuizPoll.learner_id) == bindparam("learner_id"),
    )
    # Two answers of one day on two workers take turns on PostgreSQL (``FOR UPDATE OF
    # delivery``), so the second one's count sees the first; SQLite ignores the clause
    # and needs none: its writers already take turns on the whole database.
    .with_for_update(of=col(Delivery.id))
)
_INSERT_ANSWER = insert(Answer)
# Completes the day only if it is still open and every question now has its answer; the
# count runs inside the write transaction, so two last answers cannot both complete it.
_COMPLETE_DAY = (
    update(Delivery)
    .where(
        col(Delivery.id) == bindparam("day"),
        col(Delivery.completed_at).is_(None),
        select(func.count()).where(col(Answer.delivery_id) == bindparam("day")).scalar_subquery()
        >= bindparam("questions"),
    )
    .values(completed_at=bindparam("now"))
)
# How many answers were right (0 when there are none).
_RIGHT = func.coalesce(func.sum(cast(col(Answer.correct), Integer)), 0)
_CORRECT = select(_RIGHT).where(col(Answer.delivery_id) == bindparam("day"))


def find_poll(connection: Connection, poll_id: str, learner_id: int) -> PollRow | None:
    """The quiz poll ``poll_id`` sent to ``learner_id``, with its day and learner."""
    return connection.execute(_FIND_POLL, {"poll_id": poll_id, "learner_id": learner_id}).first()


def add_answer(
    connection: Connection,
    *,
    learner_id: int,
    delivery_id: int,
    lesson_id: str,
    question_id: str,
    option_index: int,
    correct: bool,
    answered_at: datetime,
) -> bool:
    """Insert an answer; ``False`` if its question already has one (the first counts).

    After ``False`` the transaction is spoilt: roll it back (closing the connection does).
    """
    row = {
        "learner_id": learner_id,
        "delivery_id": delivery_id,
        "lesson_id": lesson_id,
        "question_id": question_id,
        "option_index": option_index,
        "correct": correct,
        "answered_at": answered_at,
    }
    try:
        connection.execute(_INSERT_ANSWER, row)
    except IntegrityError:
        return False
    return True


def complete_day(connection: Connection, delivery_id: int, questions: int, now: datetime) -> bool:
    """Mark the day complete if it is open and has ``questions`` answers; ``True`` if so."""
    done = connection.execute(
        _COMPLETE_DAY, {"day": delivery_id, "questions": questions, "now": now}
    )
    return done.rowcount == 1


def correct_answers(connection: Connection, delivery_id: int) -> int:
    """How many of the day's answers were right."""
    return int(connection.execute(_CORRECT, {"day": delivery_id}).scalar_one())


def answered_question_ids(session: Session, delivery_id: int) -> list[str]:
    """The questions of a day that already have their answer."""
    query = select(Answer.question_id).where(Answer.delivery_id == delivery_id)
    return list(session.exec(query).all())


def option_choices(connection: Connection) -> list[tuple[str, str, int, int]]:
    """How often each lesson option was chosen in a lesson's own quiz: ``(lesson,
    question, option, times)``. Options are the lesson's own (answers are stored mapped
    back from the shuffled place), so the figures are about the option."""
    query = sa_select(
        col(Answer.lesson_id), col(Answer.question_id), col(Answer.option_index), func.count()
    ).group_by(col(Answer.lesson_id), col(Answer.question_id), col(Answer.option_index))
    return [
        (lesson, question, option, int(n))
        for lesson, question, option, n in connection.execute(query)
    ]


def answer_totals(session: Session, learner_id: int) -> tuple[int, int]:
    """How many questions the learner answered, and how many of them rightly."""
    query = select(func.count(), _RIGHT).where(Answer.learner_id == learner_id)
    answers, correct = session.exec(query).one()
    return int(answers), int(correct)


def recent_sending(connection: Connection, learner_id: int, since: datetime) -> list[Row[Any]]:
    """The learner's deliveries created since ``since``: id, lesson, parts sent, part in
    flight, uncertain (what ``learning.orphan_polls`` reads).

    Locked (on PostgreSQL) until the transaction ends, and before any poll row is read or
    written: the sender writes a day's progress and then its poll rows in one
    transaction, so taking the day first, as it does, waits for that commit instead of
    deadlocking with it, and then reads what it committed.
    """
    return list(
        connection.execute(
            sa_select(
                col(Delivery.id),
                col(Delivery.lesson_id),
                col(Delivery.parts_sent),
                col(Delivery.part_in_flight),
                col(Delivery.uncertain),
            )
            .where(col(Delivery.learner_id) == learner_id, col(Delivery.created_at) >= since)
            .with_for_update()
        )
    )


def recorded_polls(connection: Connection, delivery_ids: list[int]) -> set[tuple[int, str]]:
    """``(delivery, question)`` of every quiz poll recorded for these deliveries."""
    rows = connection.execute(
        sa_select(col(QuizPoll.delivery_id), col(QuizPoll.question_id)).where(
            col(QuizPoll.delivery_id).in_(delivery_ids)
        )
    )
    return {(int(delivery), str(question)) for delivery, question in rows}


def insert_polls(connection: Connection, polls: list[dict[str, Any]]) -> None:
    """Record quiz polls; one already recorded (the same poll id) is left as it is.

    A poll's row can be written twice: by the worker that sent it and by one that matched
    an answer to it before that row was committed (``learning.orphan_polls``). Both write
    the same values.
    """
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(dialect.insert(QuizPoll).on_conflict_do_nothing(), polls)


def poll_recorded(connection: Connection, poll_id: str) -> bool:
    """Whether a quiz or review poll row has this id: then it is no orphan (a review
    poll, another learner's poll, or one its sender committed meanwhile)."""
    for table in (QuizPoll, ReviewPoll):
        found = connection.execute(
            sa_select(col(table.poll_id)).where(col(table.poll_id) == poll_id)
        ).first()
        if found is not None:
            return True
    return False
