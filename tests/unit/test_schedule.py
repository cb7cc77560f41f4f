"""Time and zone parsing, and when the next lesson is due (DST, travel, pauses)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.learning.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    Schedule,
    days_to_mask,
    local_date,
    mask_to_days,
    next_due_at,
    parse_days,
    parse_time,
    parse_zone,
    slot_instant,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)), ("07:30", time(7, 30)), ("19:00", time(19, 0)),
        ("7pm", time(19, 0)), ("7 PM", time(19, 0)), ("7:30pm", time(19, 30)),
        ("7.30", time(7, 30)), ("0730", time(7, 30)), ("12am", time(0, 0)),
        ("12pm", time(12, 0)), ("noon", time(12, 0)), ("0", time(0, 0)), ("23:59", time(23, 59)),
        ("7:30 a.m.", time(7, 30)),
    ],
)  # fmt: skip
def test_times_people_type_are_understood(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["25:99", "24:00", "7:60", "13pm", "0am", "7:3", "seven", "", "-1", "7:30:00", "1e3"]
)
def test_impossible_times_are_refused(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("America/Chicago", "America/Chicago"), ("europe/berlin", "Europe/Berlin"),
        ("Tokyo", "Asia/Tokyo"), ("new york", "America/New_York"), ("UTC", "UTC"),
        ("GMT", "UTC"), ("UTC+5:30", "UTC+05:30"), ("+0530", "UTC+05:30"),
        ("GMT-3", "UTC-03:00"), ("utc+0", "UTC"), ("UTC+14", "UTC+14:00"),
    ],
)  # fmt: skip
def test_zones_are_read_as_names_cities_or_offsets(text: str, expected: str) -> None:
    assert parse_zone(text) == expected


@pytest.mark.parametrize(
    "text", ["Mars/Base", "UTC+15", "UTC+5:20", "+", "", "x" * 100, "../etc/passwd", "Europe"]
)
def test_unknown_zones_are_refused(text: str) -> None:
    assert parse_zone(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily", ALL_DAYS), ("weekdays", WEEKDAYS), ("weekends", frozenset({5, 6})),
        ("mon,wed,fri", frozenset({0, 2, 4})), ("Monday Wednesday", frozenset({0, 2})),
        ("fri-mon", frozenset({4, 5, 6, 0})), ("tu th", frozenset({1, 3})),
    ],
)  # fmt: skip
def test_day_choices(text: str, expected: frozenset[int]) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize("text", ["", "someday", "m", "mon-xyz", "mon,,funday"])
def test_unreadable_days_are_refused(text: str) -> None:
    assert parse_days(text) is None


@given(st.frozensets(st.integers(0, 6)))
def test_day_masks_round_trip(days: frozenset[int]) -> None:
    assert mask_to_days(days_to_mask(days)) == days


def at(zone: str, days: frozenset[int] = ALL_DAYS, hh: int = 7, mm: int = 30) -> Schedule:
    return Schedule(time(hh, mm), zone, days)


def test_next_due_is_today_when_the_time_is_still_ahead() -> None:
    now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 in Berlin
    due = next_due_at(at("Europe/Berlin"), now=now, last_delivered=None, resume_on=None)
    assert due == datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


def test_next_due_skips_days_off_and_the_day_already_served() -> None:
    now = datetime(2026, 3, 6, 5, 0, tzinfo=UTC)  # Friday morning in Berlin
    schedule = at("Europe/Berlin", WEEKDAYS)
    due = next_due_at(schedule, now=now, last_delivered=date(2026, 3, 6), resume_on=None)
    assert due == datetime(2026, 3, 9, 6, 30, tzinfo=UTC)  # Monday


def test_spring_forward_keeps_the_day() -> None:
    """02:30 does not exist on 8 March 2026 in New York; the lesson still comes that day."""
    schedule = at("America/New_York", hh=2, mm=30)
    now = datetime(2026, 3, 8, 0, 0, tzinfo=UTC)  # 7 March, 19:00 local
    due = next_due_at(schedule, now=now, last_delivered=date(2026, 3, 7), resume_on=None)
    assert due is not None and local_date(due, "America/New_York") == date(2026, 3, 8)


def test_fall_back_serves_the_repeated_hour_once() -> None:
    """01:30 happens twice on 1 November 2026 in New York; only the first counts."""
    schedule = at("America/New_York", hh=1, mm=30)
    now = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 00:00 EDT
    first = next_due_at(schedule, now=now, last_delivered=date(2026, 10, 31), resume_on=None)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    after = next_due_at(schedule, now=first, last_delivered=date(2026, 11, 1), resume_on=None)
    assert after == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)  # 01:30 EST, next day


def test_moving_from_tokyo_to_los_angeles_neither_skips_nor_doubles_a_day() -> None:
    served = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)  # 07:30 on 11 March in Tokyo
    last = local_date(served, "Asia/Tokyo")
    now = served + timedelta(minutes=5)  # 15:35 on 10 March in Los Angeles
    due = next_due_at(at("America/Los_Angeles"), now=now, last_delivered=last, resume_on=None)
    assert due is not None
    assert local_date(due, "America/Los_Angeles") == date(2026, 3, 12)
    assert due - served < timedelta(days=2)


def test_resume_date_holds_lessons_until_then() -> None:
    now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    due = next_due_at(at("UTC"), now=now, last_delivered=None, resume_on=date(2026, 3, 9))
    assert due == datetime(2026, 3, 9, 7, 30, tzinfo=UTC)


def test_no_days_means_nothing_is_due() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    assert (
        next_due_at(at("UTC", frozenset()), now=now, last_delivered=None, resume_on=None) is None
    )


ZONES = st.sampled_from(
    ["UTC", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo",
     "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", "UTC-09:30"]
)  # fmt: skip
INSTANTS = st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC))


@settings(max_examples=300)
@given(
    zone=ZONES,
    days=st.frozensets(st.integers(0, 6), min_size=1),
    hh=st.integers(0, 23),
    mm=st.integers(0, 59),
    now=INSTANTS,
)
def test_next_due_is_ahead_on_a_chosen_day_and_after_the_last_served(
    zone: str, days: frozenset[int], hh: int, mm: int, now: datetime
) -> None:
    schedule = at(zone, days, hh, mm)
    last = local_date(now, zone) - timedelta(days=1)
    due = next_due_at(schedule, now=now, last_delivered=last, resume_on=None)
    assert due is not None and due > now
    day = local_date(due, zone)
    assert day.weekday() in days and day > last
    assert due - now <= timedelta(days=8)


@settings(max_examples=200)
@given(zone=ZONES, hh=st.integers(0, 23), mm=st.integers(0, 59), start=INSTANTS)
def test_serving_every_due_lesson_gives_one_per_local_day(
    zone: str, hh: int, mm: int, start: datetime
) -> None:
    """Follow the schedule for 30 days: every local day once, none twice, none skipped."""
    schedule, now, last = at(zone, ALL_DAYS, hh, mm), start, None
    served: list[date] = []
    for _ in range(30):
        due = next_due_at(schedule, now=now, last_delivered=last, resume_on=None)
        assert due is not None
        last = local_date(due, zone)
        served.append(last)
        now = due
    assert len(set(served)) == len(served)
    assert all((b - a).days == 1 for a, b in zip(served, served[1:], strict=False))


def test_slot_instant_round_trips_to_the_same_local_day() -> None:
    instant = slot_instant(date(2026, 10, 25), time(2, 30), "Europe/Berlin")
    assert local_date(instant, "Europe/Berlin") == date(2026, 10, 25)


def test_every_zone_a_zone_word_offers_is_a_real_zone_we_accept() -> None:
    from bot.learning.schedule import ZONE_WORDS, parse_zone, zone_choices

    for word, zones in ZONE_WORDS.items():
        assert zones and all(parse_zone(zone) == zone for zone in zones), word
    assert zone_choices("Central time") == ZONE_WORDS["central"]
    assert zone_choices("e.s.t.") == ZONE_WORDS["est"]
    assert zone_choices("Chicago") == ()


def test_a_pause_counts_lesson_days_not_calendar_days() -> None:
    from datetime import date

    from bot.learning.schedule import WEEKDAYS, pause_end

    friday = date(2026, 3, 6)
    assert pause_end(friday, WEEKDAYS, 3) == date(2026, 3, 11)  # Fri, Mon, Tue; back Wed
    saturday = date(2026, 3, 7)
    assert pause_end(saturday, WEEKDAYS, 1) == date(2026, 3, 10)  # Mon; back Tue
    assert pause_end(friday, frozenset(range(7)), 3) == date(2026, 3, 9)
    assert pause_end(friday, frozenset({2}), 2) == date(2026, 3, 25)  # two Wednesdays
    wednesday = date(2026, 3, 4)
    assert pause_end(wednesday, WEEKDAYS, 3) == date(2026, 3, 9)  # back Monday, not Saturday
