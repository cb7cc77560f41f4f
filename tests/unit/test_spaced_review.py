"""Spaced review's pure rules: FSRS scheduling as we use it, mastery, and which due
questions a learner gets (due order, the cap of two, scheduled days only, no pause)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Card, Rating
from hypothesis import given
from hypothesis import strategies as st

from bot.learning import review_pick, spacing
from bot.learning.review_pick import DueItem, ReviewDay

MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 6, 35, tzinfo=UTC)  # 07:35 in Berlin
BERLIN = ReviewDay.of(MONDAY, "Europe/Berlin")


def test_a_miss_comes_back_the_next_day_and_a_right_answer_later() -> None:
    wrong = spacing.first_answer(NOW, right=False)
    right = spacing.first_answer(NOW, right=True)
    assert wrong.due is not None and right.due is not None
    assert wrong.due - NOW == timedelta(days=1)
    assert right.due > wrong.due
    assert right.due - NOW <= timedelta(days=7), "a first right answer returns within a week"


def test_desired_retention_is_honoured() -> None:
    card = spacing.first_answer(NOW, right=True)
    assert card.due is not None
    eager = spacing.after_review(card, card.due, right=True, retention=0.95)
    relaxed = spacing.after_review(card, card.due, right=True, retention=0.8)
    assert eager.due is not None and relaxed.due is not None and eager.due < relaxed.due


def review_until_mastered(card: spacing.CardState, answers: list[bool]) -> spacing.CardState:
    now = NOW
    for right in answers:
        assert card.due is not None, "reviewed after mastery"
        now = card.due
        card = spacing.after_review(card, now, right=right)
    return card


def test_two_right_reviews_in_a_row_with_a_long_interval_master_a_question() -> None:
    card = spacing.first_answer(NOW, right=True)
    once = review_until_mastered(card, [True])
    assert once.mastered_at is None and once.right_streak == 1
    twice = review_until_mastered(card, [True, True])
    assert twice.mastered_at is not None and twice.due is None
    assert twice.reviews == 2 and twice.reviews_right == 2


def test_a_miss_resets_the_run_and_short_intervals_do_not_master() -> None:
    card = spacing.first_answer(NOW, right=False)
    after = review_until_mastered(card, [True, True])
    assert after.mastered_at is None, "two right reviews, but the interval is still short"
    assert after.due is not None and after.last_review is not None
    assert after.due - after.last_review < spacing.MASTERY_INTERVAL
    missed = review_until_mastered(card, [True, True, False])
    assert missed.right_streak == 0 and missed.mastered_at is None
    assert missed.reviews == 3 and missed.reviews_right == 2


def item(n: int, due: datetime, lesson: str = "l1", asked: datetime | None = None) -> DueItem:
    return DueItem(n, lesson, f"q{n}", due, asked)


def test_after_a_lesson_at_most_two_oldest_due_first() -> None:
    items = [item(n, NOW - timedelta(days=n)) for n in range(1, 6)]
    picked = review_pick.after_lesson(
        items, BERLIN, lesson_id="today", scheduled=True, paused=False
    )
    assert [i.item_id for i in picked] == [5, 4]


def test_due_later_today_counts_due_tomorrow_does_not() -> None:
    later_today = item(1, datetime(2026, 3, 2, 22, 0, tzinfo=UTC))  # 23:00 in Berlin
    tomorrow = item(2, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))  # 00:30 Tuesday in Berlin
    picked = review_pick.on_request([later_today, tomorrow], BERLIN)
    assert [i.item_id for i in picked] == [1]


@pytest.mark.parametrize(("scheduled", "paused"), [(False, False), (True, True)])
def test_no_reviews_off_schedule_or_during_a_pause(scheduled: bool, paused: bool) -> None:
    items = [item(1, NOW - timedelta(days=2))]
    assert not review_pick.after_lesson(
        items, BERLIN, lesson_id="today", scheduled=scheduled, paused=paused
    )


def test_never_a_question_of_the_lesson_just_taught_nor_one_asked_today() -> None:
    items = [
        item(1, NOW - timedelta(days=3), lesson="today"),
        item(2, NOW - timedelta(days=2), asked=NOW - timedelta(hours=1)),
        item(3, NOW - timedelta(days=1), asked=NOW - timedelta(days=1)),
    ]
    picked = review_pick.after_lesson(
        items, BERLIN, lesson_id="today", scheduled=True, paused=False
    )
    assert [i.item_id for i in picked] == [3]


@given(st.lists(st.integers(min_value=-20_000, max_value=2_000), max_size=30))
def test_review_requests_are_capped_and_sorted(offsets: list[int]) -> None:
    items = [item(n, NOW + timedelta(minutes=m)) for n, m in enumerate(offsets)]
    picked = review_pick.on_request(items, BERLIN)
    assert len(picked) <= review_pick.ON_REQUEST
    assert [i.due for i in picked] == sorted(i.due for i in picked)
    assert all(i.due < BERLIN.end for i in picked)
    overdue = sorted(i.due for i in items if i.due < BERLIN.end)
    assert [i.due for i in picked] == overdue[: review_pick.ON_REQUEST]


@pytest.mark.parametrize("right", [True, False])
def test_a_first_answer_is_exactly_what_fsrs_says_at_that_moment(right: bool) -> None:
    card, _ = spacing.scheduler().review_card(
        Card(card_id=1, due=NOW), Rating.Good if right else Rating.Again, review_datetime=NOW
    )
    made = spacing.first_answer(NOW, right)
    assert (made.state, made.stability, made.difficulty, made.due, made.last_review) == (
        int(card.state),
        card.stability,
        card.difficulty,
        card.due,
        card.last_review,
    )
