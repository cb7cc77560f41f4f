"""Practice commitments: "I'll try it", the follow-ups due, and a team's anonymous share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import case, distinct
from sqlmodel import Session, col, func, select

from bot.store.models import Delivery, Learner, PracticeCommitment

OPEN = "committed"
ASKED = "asked"
TRIED = "tried"


def commitment_for(
    session: Session, learner_id: int, delivery_id: int
) -> PracticeCommitment | None:
    """The learner's commitment to the practice of one of their deliveries, if any."""
    query = select(PracticeCommitment).where(
        PracticeCommitment.delivery_id == delivery_id,
        PracticeCommitment.learner_id == learner_id,
    )
    return session.exec(query).first()


def open_commitments(
    session: Session, learner_ids: Sequence[int]
) -> Sequence[tuple[PracticeCommitment, Learner]]:
    """Commitments not yet followed up, of these learners, with the learner."""
    query = (
        select(PracticeCommitment, Learner)
        .join(Learner, col(Learner.id) == col(PracticeCommitment.learner_id))
        .where(PracticeCommitment.state == OPEN, col(Learner.id).in_(learner_ids))
    )
    return session.exec(query).all()


def lesson_days_since(
    session: Session, learner_ids: Sequence[int], since: date
) -> dict[int, list[date]]:
    """Each learner's served days after ``since``, in one query for a batch."""
    query = select(col(Delivery.learner_id), col(Delivery.local_date)).where(
        col(Delivery.learner_id).in_(learner_ids), col(Delivery.local_date) > since
    )
    found: dict[int, list[date]] = {}
    for learner_id, day in session.exec(query):
        found.setdefault(learner_id, []).append(day)
    return found


def tried_in_challenge(session: Session, challenge_id: int) -> list[tuple[str, int, int, int]]:
    """Per lesson of the challenge that has been followed up: ``(lesson_id, day index,
    learners who tried it, learners it reached)``; counts only, never who."""
    tried_one = case((col(PracticeCommitment.state) == TRIED, 1), else_=0)
    asked = (
        select(col(PracticeCommitment.lesson_id), func.sum(tried_one))
        .where(
            PracticeCommitment.challenge_id == challenge_id,
            col(PracticeCommitment.state).not_in((OPEN,)),
        )
        .group_by(PracticeCommitment.lesson_id)
    )
    tried = {lesson_id: int(count or 0) for lesson_id, count in session.exec(asked)}
    if not tried:
        return []
    reached = (
        select(
            col(Delivery.lesson_id),
            func.min(col(Delivery.challenge_day)),
            func.count(distinct(col(Delivery.learner_id))),
        )
        .where(Delivery.challenge_id == challenge_id, col(Delivery.lesson_id).in_(list(tried)))
        .group_by(Delivery.lesson_id)
    )
    rows = [
        (lesson_id, int(day or 0), tried[lesson_id], int(count))
        for lesson_id, day, count in session.exec(reached)
    ]
    return sorted(rows, key=lambda row: row[1])
