"""Challenge rules: the day's lesson, and a board that rewards breadth, not binging."""

from __future__ import annotations

import math
import secrets
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.learning.challenges import (
    DayCount,
    MemberDays,
    MemberToday,
    build_board,
    can_have_day_one,
    counting,
    daily_completion,
    day_index,
    earliest_start,
    is_running,
    lesson_for_day,
    longest,
    team_streak,
    valid_length,
)
from bot.learning.join_codes import ALPHABET, LENGTH, display, new_code, normalise

EVERY_DAY = frozenset(range(100))


def member(
    days: set[int], name: str | None = None, offered: frozenset[int] = EVERY_DAY
) -> MemberDays:
    """A member who completed ``days``; every day's lesson reached them unless told."""
    return MemberDays(name, frozenset(days), offered | frozenset(days))


def test_days_and_lessons() -> None:
    start = date(2026, 3, 2)
    assert day_index(start, date(2026, 3, 4)) == 2
    assert is_running(start, 3, date(2026, 3, 4)) and not is_running(start, 3, date(2026, 3, 5))
    assert not is_running(start, 3, date(2026, 3, 1))
    assert lesson_for_day(["a", "b"], 0) == "a" and lesson_for_day(["a", "b"], 3) == "b"
    assert not valid_length(0) and not valid_length(400) and valid_length(14)


def test_a_challenge_is_never_longer_than_its_track() -> None:
    assert valid_length(30, 30) and not valid_length(31, 30)
    assert valid_length(11, 11) and not valid_length(14, 11) and not valid_length(0, 11)
    assert longest(11) == 11 and longest(30) == 30 and longest(500) == 90


@given(st.integers(1, 200), st.integers(-5, 300))
def test_every_day_of_a_valid_challenge_teaches_a_new_lesson(lessons: int, days: int) -> None:
    ids = [f"l{i}" for i in range(lessons)]
    if valid_length(days, lessons):
        taught = [lesson_for_day(ids, day) for day in range(days)]
        assert len(set(taught)) == days
    else:
        assert days < 1 or days > min(lessons, 90)


def test_the_board_counts_today_the_week_and_names_only_with_consent() -> None:
    members = [member({0, 1, 2}, "Ann"), member({0, 2}), member(set())]
    board = build_board(14, 2, members)
    assert (board.day, board.length, board.members, board.started) == (3, 14, 3, 2)
    assert board.done_today == 2 and board.active_this_week == 2
    assert board.named == (("Ann", 3),) and board.unnamed == 2


def test_people_who_have_not_started_do_not_drag_the_rate_down() -> None:
    keen = [member({0, 1}), member({0, 1})]
    assert build_board(7, 1, keen).completion_rate == 1.0
    assert build_board(7, 1, [*keen, member(set()), member(set())]).completion_rate == 1.0


def test_today_counts_once_done_and_missed_days_count_against() -> None:
    assert build_board(7, 2, [member({0, 1})]).completion_rate == 1.0  # today not done yet
    assert build_board(7, 2, [member({0})]).completion_rate == 0.5  # day 1 was missed
    assert build_board(7, 2, [member({0, 1, 2}), member({0})]).completion_rate == 0.8


def test_team_streak_counts_days_with_half_the_started_team() -> None:
    members = [member({0, 1, 2}), member({1, 2}), member({2})]
    assert team_streak(2, members) == 2  # day 0 had 1 of 3
    assert team_streak(3, members) == 2  # today not yet qualifying: counts up to yesterday
    assert team_streak(0, [member(set())]) == 0


def test_daily_completion() -> None:
    counts = daily_completion(5, 2, [member({0, 2}), member({2})])
    assert [c.done for c in counts] == [1, 0, 2] and [c.had for c in counts] == [2, 2, 2]


def test_a_day_that_never_reached_a_member_is_not_counted_as_missed() -> None:
    """Dev joined on day 3: days 1 and 2 are neither done nor missed by him."""
    ann, dev = member({0, 1, 2}), member({2}, offered=frozenset({2}))
    assert daily_completion(7, 2, [ann, dev]) == [DayCount(1, 1), DayCount(1, 1), DayCount(2, 2)]
    assert build_board(7, 2, [ann, dev]).completion_rate == 1.0
    assert team_streak(2, [ann, dev, member({2}, offered=frozenset({2}))]) == 3
    # Sent day 1 but not done: that one is missed.
    assert daily_completion(7, 0, [ann, member(set(), offered=frozenset({0}))]) == [DayCount(1, 2)]


def test_a_day_that_reached_nobody_neither_counts_nor_breaks_the_streak() -> None:
    weekdays = frozenset({0, 1, 2, 3, 4, 7})  # days 5 and 6 are a weekend off for all
    keen = member({0, 1, 2, 3, 4, 7}, offered=weekdays)
    team = [keen, member({3, 4, 7}, offered=weekdays), member({3, 4, 7}, offered=weekdays)]
    assert team_streak(7, team) == 3  # days 3, 4 and 7 (day 2 had 1 of 3)
    assert team_streak(6, team) == 2  # a weekend day: up to Friday, nothing lost
    assert team_streak(7, [*team, member({7}, offered=weekdays)]) == 3


members_strategy = st.lists(
    st.tuples(st.frozensets(st.integers(0, 20), max_size=21), st.frozensets(st.integers(0, 20))),
    max_size=8,
).map(lambda rows: [MemberDays(None, done, had | done) for done, had in rows])


@given(members_strategy, st.integers(0, 20), st.integers(0, 20))
def test_a_late_joiner_who_does_every_lesson_never_lowers_the_team(
    members: list[MemberDays], today: int, joined: int
) -> None:
    """Someone who could not have had the early days is never shown as missing them."""
    late = MemberDays("late", frozenset(range(joined, today + 1)), frozenset(range(joined, 21)))
    before, after = build_board(21, today, members), build_board(21, today, [*members, late])
    assert after.completion_rate >= before.completion_rate or not late.completed
    assert after.team_streak >= before.team_streak
    counts_before = daily_completion(21, today, members)
    counts_after = daily_completion(21, today, [*members, late])
    for day, (old, new) in enumerate(zip(counts_before, counts_after, strict=True)):
        if day < joined:
            assert new == old  # the days before they joined are untouched
        assert new.done <= new.had


def test_a_challenge_starts_on_a_day_everyone_can_have_day_one() -> None:
    monday = date(2026, 3, 2)
    tuesday = monday + timedelta(days=1)
    fresh, served = MemberToday(monday, False), MemberToday(monday, True)
    behind = MemberToday(monday - timedelta(days=1), True)  # still Sunday, lesson done
    ahead = MemberToday(tuesday, True)  # Tuesday's lesson already went out
    assert earliest_start(monday, []) == monday
    assert earliest_start(monday, [fresh, behind]) == monday
    assert earliest_start(monday, [fresh, served]) == tuesday
    assert earliest_start(monday, [fresh, ahead]) == tuesday + timedelta(days=1)
    assert not can_have_day_one(monday, served) and can_have_day_one(tuesday, served)
    assert not can_have_day_one(monday, MemberToday(tuesday, False))


member_today = st.builds(MemberToday, st.dates(date(2026, 1, 1), date(2026, 1, 10)), st.booleans())


@given(st.dates(date(2026, 1, 2), date(2026, 1, 9)), st.lists(member_today, max_size=10))
def test_the_earliest_start_is_the_first_day_nobody_misses(
    today: date, members: list[MemberToday]
) -> None:
    earliest = earliest_start(today, members)
    assert earliest >= today
    assert all(can_have_day_one(earliest, m) for m in members)
    assert all(can_have_day_one(earliest + timedelta(days=3), m) for m in members)
    if earliest > today:  # not a day later than needed
        assert not all(can_have_day_one(earliest - timedelta(days=1), m) for m in members)


def test_which_challenge_counts_and_when_to_ask() -> None:
    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    riverside, hillside = (1, monday), (2, tuesday)
    assert counting([], None, tuesday) is None
    alone = counting([riverside], None, tuesday)
    assert alone is not None and alone.challenge_id == 1 and not alone.ask
    first = counting([hillside, riverside], None, tuesday)
    assert first is not None and (first.challenge_id, first.alternatives) == (1, (2,))
    assert first.ask and not first.chosen
    chose = counting([riverside, hillside], 2, tuesday)  # chosen on the day Hillside began
    assert chose is not None and chose.challenge_id == 2 and chose.chosen and chose.ask
    settled = counting([riverside, hillside], 2, tuesday + timedelta(days=1))
    assert settled is not None and settled.challenge_id == 2 and not settled.ask
    gone = counting([riverside, (3, tuesday)], 2, tuesday + timedelta(days=1))
    assert gone is not None and gone.challenge_id == 1 and gone.ask  # the choice ended


running_strategy = st.lists(
    st.tuples(st.integers(1, 50), st.dates(date(2026, 1, 1), date(2026, 1, 20))),
    max_size=5,
    unique_by=lambda row: row[0],
)


@given(
    running_strategy, st.none() | st.integers(1, 50), st.dates(date(2026, 1, 1), date(2026, 1, 20))
)
def test_a_choice_sticks_while_its_challenge_runs(
    running: list[tuple[int, date]], chosen: int | None, today: date
) -> None:
    decided = counting(running, chosen, today)
    if not running:
        assert decided is None
        return
    assert decided is not None
    ids = {i for i, _ in running}
    assert decided.challenge_id in ids
    assert set(decided.alternatives) == ids - {decided.challenge_id}
    assert decided.chosen == (chosen in ids)
    if chosen in ids:
        assert decided.challenge_id == chosen
    starts_today = any(start == today for _, start in running)
    assert decided.ask == (len(ids) > 1 and (chosen not in ids or starts_today))


@given(st.lists(st.frozensets(st.integers(0, 40), max_size=41), max_size=12), st.integers(0, 60))
def test_nobody_scores_more_than_one_lesson_a_day(days: list[frozenset[int]], today: int) -> None:
    members = [MemberDays(f"m{i}", d, d) for i, d in enumerate(days)]
    board = build_board(41, today, members)
    assert all(count <= 41 for _, count in board.named)
    assert 0.0 <= board.completion_rate <= 1.0
    assert board.done_today <= board.members and board.team_streak <= board.day


def test_join_codes_are_readable_and_hard_to_guess() -> None:
    assert LENGTH * math.log2(len(ALPHABET)) >= 40
    assert not set("0O1IL") & set(ALPHABET)
    code = new_code(secrets.choice)
    assert normalise(display(code).lower()) == code
    assert normalise(f"join-{code}") == code
    assert normalise("ABCDE") is None and normalise("ABCDE-0OIL1") is None
    assert len(f"join-{code}") <= 64
