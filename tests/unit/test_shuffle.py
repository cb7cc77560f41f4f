"""Option shuffling: every place maps back to its option, the key lands everywhere, and
the same showing always has the same order."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.learning import shuffle

ids = st.integers(min_value=1, max_value=2**53)
question_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=32)
sizes = st.integers(min_value=2, max_value=10)


@given(ids, st.text(max_size=20), question_ids, sizes)
def test_an_order_is_a_permutation_and_maps_back_to_each_option(
    learner: int, occasion: str, question: str, n: int
) -> None:
    order = shuffle.option_order(learner, occasion, question, n)
    assert sorted(order) == list(range(n))
    for option in range(n):
        assert shuffle.option_at(order, shuffle.position_of(order, option)) == option
    assert shuffle.decode(shuffle.encode(order), n) == order


@given(ids, st.text(max_size=20), question_ids, sizes)
def test_the_same_showing_always_has_the_same_order(
    learner: int, occasion: str, question: str, n: int
) -> None:
    first = shuffle.option_order(learner, occasion, question, n)
    assert shuffle.option_order(learner, occasion, question, n) == first


@given(question_ids, sizes, st.integers(min_value=0, max_value=9), st.integers(1, 10**9))
def test_the_key_lands_in_every_place_across_learners(
    question: str, n: int, key: int, first_learner: int
) -> None:
    key %= n
    places = {
        shuffle.position_of(shuffle.option_order(learner, "d1", question, n), key)
        for learner in range(first_learner, first_learner + 40 * n)
    }
    assert places == set(range(n))


def test_places_are_spread_evenly_over_many_learners() -> None:
    """Four options, 4,000 learners: each place holds the key about a quarter of the time."""
    counts = [0, 0, 0, 0]
    for learner in range(4000):
        counts[shuffle.position_of(shuffle.option_order(learner, "d7", "q1", 4), 1)] += 1
    assert all(900 < count < 1100 for count in counts), counts


def test_shown_options_follow_the_order_and_file_order_reads_as_identity() -> None:
    assert shuffle.shown_options(("a", "b", "c"), (2, 0, 1)) == ["c", "a", "b"]
    assert shuffle.decode("", 3) == (0, 1, 2)
    assert shuffle.delivery_occasion(12) != shuffle.review_occasion(
        12, datetime(2026, 3, 2, tzinfo=UTC)
    )
