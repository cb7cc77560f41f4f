"""The rolling cap: past and planned instants count alike, in any window of the span."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.learning.rolling_cap import DAY, crowd, next_opening, room

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_three_in_the_past_day_leave_no_room_until_the_first_is_a_day_old() -> None:
    sent = [NOON - 3 * H, NOON - 2 * H, NOON - H]
    assert room(NOON, sent, 3) == 0
    assert next_opening(NOON, sent, 3) == NOON + 21 * H
    assert room(NOON + 21 * H, sent, 3) == 1


def test_planned_ones_count_as_much_as_sent_ones() -> None:
    planned = [NOON + H, NOON + 5 * H, NOON + 23 * H]
    assert room(NOON, planned, 3) == 0
    assert next_opening(NOON, planned, 3) == NOON + 25 * H  # past the first, none ahead


def test_a_window_spanning_past_and_future_counts_both() -> None:
    around = [NOON - 12 * H, NOON + 6 * H]
    assert crowd(NOON, around) == 2 and room(NOON, around, 3) == 1
    assert room(NOON, [*around, NOON - 13 * H], 3) == 0


def test_exactly_a_day_apart_is_another_window() -> None:
    assert room(NOON, [NOON - DAY, NOON + DAY], 1) == 1
    assert room(NOON, [NOON - DAY + timedelta(seconds=1)], 1) == 0


def test_a_gap_between_clusters_is_found() -> None:
    others = [NOON, NOON + H, NOON + 2 * H, NOON + 60 * H, NOON + 61 * H, NOON + 62 * H]
    assert next_opening(NOON + 3 * H, others, 3) == NOON + DAY
    assert room(NOON + DAY, others, 3) == 1  # 13:00 and 14:00 still share a day with it
    closer = [*others[:3], NOON + 40 * H, NOON + 41 * H, NOON + 42 * H]
    assert next_opening(NOON + 3 * H, closer, 3) == NOON + 64 * H  # no gap: after 40h + 1 day


minutes = st.lists(st.integers(min_value=0, max_value=200), max_size=8)


@given(minutes, st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=4))
def test_next_opening_is_the_first_minute_that_fits(others: list[int], at: int, cap: int) -> None:
    """Against brute force: a span of 60 minutes, every window checked minute by minute."""
    span = timedelta(minutes=60)

    def instant(m: int) -> datetime:
        return NOON + timedelta(minutes=m)

    def fits(t: int) -> bool:
        return all(
            sum(start <= o < start + 60 for o in [*others, t]) <= cap
            for start in range(t - 59, t + 1)
        )

    times = [instant(o) for o in others]
    first = next(t for t in range(at, 400) if fits(t))
    assert next_opening(instant(at), times, cap, span) == instant(first)
    assert (room(instant(at), times, cap, span) >= 1) == fits(at)
