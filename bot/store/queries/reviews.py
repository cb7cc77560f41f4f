"""Review items (one FSRS card per learner and question) and the review polls sent.

Items are made on the answer path and picked on the delivery path, both hot, so these
are SQLAlchemy Core statements with bound parameters over a bare connection, and "due
items for these learners" is one range scan per learner of ``ix_reviewitem_learner_due``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeAlias
from typing import cast as typed

from sqlalchemy import Connection, Integer, Row, bindparam, cast, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from bot.learning.review_pick import DueItem
from bot.learning.spacing import CardState
from bot.store.models import Learner, ReviewItem, ReviewPoll

# A learner's item for a question is made once: the first answer in a lesson makes it, a
# lesson met again in a later round leaves it. "Do nothing on conflict" keeps that to one
# statement on the answer path (a savepoint would add two round trips per answer).
_INSERT_ITEM = {
    "sqlite": sqlite_insert(ReviewItem).on_conflict_do_nothing(),
    "postgresql": postgresql_insert(ReviewItem).on_conflict_do_nothing(),
}
_DUE = (
    sa_select(
        col(ReviewItem.learner_id),
        col(ReviewItem.id),
        col(ReviewItem.lesson_id),
        col(ReviewItem.question_id),
        col(ReviewItem.due),
        col(ReviewItem.asked_at),
    )
    .where(
        col(ReviewItem.learner_id).in_(bindparam("learners", expanding=True)),
        col(ReviewItem.due) < bindparam("before"),
    )
    .order_by(col(ReviewItem.learner_id), col(ReviewItem.due))
)
_ASKED = (
    update(ReviewItem)
    .where(col(ReviewItem.id) == bindparam("item"))
    .values(asked_at=bindparam("now"))
)
_INSERT_POLL = insert(ReviewPoll)
# One row of _FIND_POLL: the item, its card, the poll's key and order, and the lesson.
PollRow: TypeAlias = (
    "Row[int, str, str, int, str, int, float | None, float | None, datetime | None, "
    "datetime | None, int, int, int]"
)
_FIND_POLL = (
    sa_select(
        col(ReviewItem.id),
        col(ReviewItem.lesson_id),
        col(ReviewItem.question_id),
        col(ReviewPoll.correct_index),
        col(ReviewPoll.option_order),
        col(ReviewItem.state),
        col(ReviewItem.stability),
        col(ReviewItem.difficulty),
        col(ReviewItem.due),
        col(ReviewItem.last_review),
        col(ReviewItem.reviews),
        col(ReviewItem.reviews_right),
        col(ReviewItem.right_streak),
    )
    .join(ReviewItem, col(ReviewItem.id) == col(ReviewPoll.item_id))
    .where(
        col(ReviewPoll.poll_id) == bindparam("poll_id"),
        col(ReviewPoll.learner_id) == bindparam("learner_id"),
        col(ReviewPoll.answered_at).is_(None),
        col(ReviewItem.mastered_at).is_(None),
    )
)
_ANSWER_POLL = (
    update(ReviewPoll)
    .where(col(ReviewPoll.poll_id) == bindparam("p_poll"), col(ReviewPoll.answered_at).is_(None))
    .values(
        option_index=bindparam("p_option"),
        correct=bindparam("p_correct"),
        answered_at=bindparam("p_now"),
    )
)
_CARD = (
    update(ReviewItem)
    .where(col(ReviewItem.id) == bindparam("c_item"))
    .values(
        state=bindparam("c_state"),
        stability=bindparam("c_stability"),
        difficulty=bindparam("c_difficulty"),
        due=bindparam("c_due"),
        last_review=bindparam("c_last_review"),
        reviews=bindparam("c_reviews"),
        reviews_right=bindparam("c_reviews_right"),
        right_streak=bindparam("c_right_streak"),
        mastered_at=bindparam("c_mastered_at"),
    )
)


def add_item(
    connection: Connection,
    *,
    learner_id: int,
    lesson_id: str,
    question_id: str,
    card: CardState,
    now: datetime,
) -> bool:
    """Make the learner's review item for a question; ``False`` if they already have one
    (a lesson met again in a later round leaves its card as it is)."""
    row = {
        "learner_id": learner_id,
        "lesson_id": lesson_id,
        "question_id": question_id,
        "state": card.state,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due,
        "last_review": card.last_review,
        "reviews": 0,
        "reviews_right": 0,
        "right_streak": 0,
        "created_at": now,
    }
    done = connection.execute(_INSERT_ITEM[connection.dialect.name], row)
    return done.rowcount == 1


def due_items(
    connection: Connection, learner_ids: Iterable[int], before: datetime
) -> dict[int, list[DueItem]]:
    """Each learner's unmastered items due before ``before``, oldest due first."""
    ids = list(learner_ids)
    found: dict[int, list[DueItem]] = {}
    if not ids:
        return found
    # Typed by hand: the ids and due instants are never NULL in these rows (the key, and
    # the ``due <`` condition), though the model types them as optional.
    rows = typed(
        Iterable[tuple[int, int, str, str, datetime, datetime | None]],
        connection.execute(_DUE, {"learners": ids, "before": before}),
    )
    for learner_id, item_id, lesson_id, question_id, due, asked_at in rows:
        found.setdefault(learner_id, []).append(
            DueItem(item_id, lesson_id, question_id, due, asked_at)
        )
    return found


def mark_asked(connection: Connection, item_ids: Iterable[int], now: datetime) -> None:
    """Record that these items are being sent now (before they go: at most once a day)."""
    rows = [{"item": item_id, "now": now} for item_id in item_ids]
    if rows:
        connection.execute(_ASKED, rows)


def add_polls(connection: Connection, polls: list[dict[str, Any]]) -> None:
    """Store review polls just sent (``ReviewPoll`` rows)."""
    if polls:
        connection.execute(_INSERT_POLL, polls)


def find_open_poll(connection: Connection, poll_id: str, learner_id: int) -> PollRow | None:
    """The unanswered review poll ``poll_id`` sent to ``learner_id``, with its card."""
    found = connection.execute(_FIND_POLL, {"poll_id": poll_id, "learner_id": learner_id})
    return typed("PollRow | None", found.first())  # the item's id, a key, is never NULL


def card_of(row: PollRow) -> CardState:
    """The card stored on a found poll's item."""
    return CardState(
        row.state, row.stability, row.difficulty, row.due, row.last_review,
        row.reviews, row.reviews_right, row.right_streak,
    )  # fmt: skip


def answer_poll(
    connection: Connection, poll_id: str, *, option: int, correct: bool, now: datetime
) -> bool:
    """Store the first answer to a review poll; ``False`` if it already had one."""
    done = connection.execute(
        _ANSWER_POLL, {"p_poll": poll_id, "p_option": option, "p_correct": correct, "p_now": now}
    )
    return done.rowcount == 1


def save_card(connection: Connection, item_id: int, card: CardState) -> None:
    """Write a rescheduled card back to its item."""
    connection.execute(
        _CARD,
        {
            "c_item": item_id, "c_state": card.state, "c_stability": card.stability,
            "c_difficulty": card.difficulty, "c_due": card.due,
            "c_last_review": card.last_review, "c_reviews": card.reviews,
            "c_reviews_right": card.reviews_right, "c_right_streak": card.right_streak,
            "c_mastered_at": card.mastered_at,
        },
    )  # fmt: skip


def learners_for_review(
    connection: Connection, learner_ids: Iterable[int]
) -> dict[int, tuple[int, str, int, str]]:
    """Per learner: chat, zone, days mask and status (whether reviews may come today)."""
    query = sa_select(
        col(Learner.id), col(Learner.chat_id), col(Learner.zone),
        col(Learner.days_mask), col(Learner.status),
    ).where(col(Learner.id).in_(list(learner_ids)))  # fmt: skip
    return {
        learner_id: (chat_id, zone or "UTC", mask, status)
        for learner_id, chat_id, zone, mask, status in connection.execute(query)
    }


def next_due(connection: Connection, learner_id: int) -> datetime | None:
    """When the learner's next unmastered item is due, if any."""
    query = sa_select(func.min(col(ReviewItem.due))).where(
        col(ReviewItem.learner_id) == learner_id
    )
    due: datetime | None = connection.execute(query).scalar_one()
    return due


def review_figures(
    connection: Connection, learner_id: int, before: datetime
) -> tuple[dict[str, int], int, int, int]:
    """Mastered items per lesson, reviews answered, right, and items due before ``before``."""
    mastered = connection.execute(
        sa_select(col(ReviewItem.lesson_id), func.count())
        .where(col(ReviewItem.learner_id) == learner_id, col(ReviewItem.mastered_at).is_not(None))
        .group_by(col(ReviewItem.lesson_id))
    ).all()
    reviews, right, due = connection.execute(
        sa_select(
            func.coalesce(func.sum(col(ReviewItem.reviews)), 0),
            func.coalesce(func.sum(col(ReviewItem.reviews_right)), 0),
            func.coalesce(func.sum(cast(col(ReviewItem.due) < before, Integer)), 0),
        ).where(col(ReviewItem.learner_id) == learner_id)
    ).one()
    return {lesson: int(n) for lesson, n in mastered}, int(reviews), int(right), int(due)


def review_answer_times(
    connection: Connection, learner_id: int, since: datetime
) -> list[datetime]:
    """When the learner answered review polls since ``since`` (for the progress calendar)."""
    query = sa_select(col(ReviewPoll.answered_at)).where(
        col(ReviewPoll.learner_id) == learner_id, col(ReviewPoll.answered_at) >= since
    )
    return [at for (at,) in connection.execute(query) if at is not None]
