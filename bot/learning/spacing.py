"""When a question comes back: FSRS (the ``fsrs`` package), and when it is mastered.

Every answered lesson question becomes a card: a wrong answer rates it Again, a right one
Good, and FSRS says when the chance of still knowing it falls to the desired retention.

Two choices of ours sit on top of FSRS's defaults:

- No learning steps. FSRS's stock 1- and 10-minute steps suit a flashcard app used in
  sittings; a learner here sees questions only on lesson days, so a card goes straight to
  day-scale intervals (a miss comes back the next day, a first right answer two days on).
- Mastery. A question answered right in two reviews in a row, the second of which earns
  an interval of at least ``MASTERY_INTERVAL`` (21 days: three weeks of retention after
  repeated success), is retired and never shown again. The lesson's own first answer is
  not a review, so mastery takes at least two later retrievals.

Pure: callers pass ``now`` (aware) and the stored values; fuzzing is off so the same
answers always give the same schedule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from fsrs import Card, Rating, Scheduler, State

MASTERY_STREAK = 2
MASTERY_INTERVAL = timedelta(days=21)
DEFAULT_RETENTION = 0.9


@dataclass(frozen=True, slots=True)
class CardState:
    """One learner's card for one question, as stored on its review item.

    ``due`` is ``None`` once mastered; ``right_streak`` counts right reviews in a row.
    """

    state: int
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    reviews: int = 0
    reviews_right: int = 0
    right_streak: int = 0
    mastered_at: datetime | None = None


@lru_cache(maxsize=8)
def scheduler(retention: float = DEFAULT_RETENTION) -> Scheduler:
    """The FSRS scheduler for a desired retention (built once: it validates parameters)."""
    return Scheduler(
        desired_retention=retention, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )


def first_answer(now: datetime, right: bool, retention: float = DEFAULT_RETENTION) -> CardState:
    """The card made by a lesson's own answer (not a review: no streak, no count).

    A new card's first rating does not depend on when it happens, so FSRS runs once per
    rating and retention; the answer path (the bot's hottest) only adds the interval.
    """
    state, stability, difficulty, interval = _first_rating(right, retention)
    return CardState(state, stability, difficulty, _utc(now) + interval, _utc(now))


@lru_cache(maxsize=16)
def _first_rating(
    right: bool, retention: float
) -> tuple[int, float | None, float | None, timedelta]:
    """FSRS's card after a first rating, as (state, stability, difficulty, interval)."""
    start = datetime(2000, 1, 1, tzinfo=UTC)
    card, _ = scheduler(retention).review_card(
        Card(card_id=0, due=start), _rating(right), review_datetime=start
    )
    return int(card.state), card.stability, card.difficulty, card.due - start


def after_review(
    state: CardState, now: datetime, right: bool, retention: float = DEFAULT_RETENTION
) -> CardState:
    """The card after a review answer: rescheduled, counted, and perhaps mastered."""
    card = Card(
        card_id=0,
        state=State(state.state),
        step=None,
        stability=state.stability,
        difficulty=state.difficulty,
        due=_utc(state.due or now),
        last_review=_utc(state.last_review) if state.last_review else None,
    )
    card, _ = scheduler(retention).review_card(card, _rating(right), review_datetime=_utc(now))
    streak = state.right_streak + 1 if right else 0
    mastered = streak >= MASTERY_STREAK and card.due - _utc(now) >= MASTERY_INTERVAL
    return replace(
        state,
        state=int(card.state),
        stability=card.stability,
        difficulty=card.difficulty,
        due=None if mastered else card.due,
        last_review=card.last_review,
        reviews=state.reviews + 1,
        reviews_right=state.reviews_right + int(right),
        right_streak=streak,
        mastered_at=now if mastered else None,
    )


def _rating(right: bool) -> Rating:
    return Rating.Good if right else Rating.Again


def _utc(instant: datetime) -> datetime:
    """FSRS insists on ``timezone.utc`` itself, not merely an aware instant."""
    return instant.astimezone(UTC)
