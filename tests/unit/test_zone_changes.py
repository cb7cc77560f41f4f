"""Whatever time-zone changes a learner makes, no local day is skipped or served twice.

**The rule across a zone change.** A learner's lesson belongs to the local date of the
zone they are in when it is claimed, and local dates served only move forward: a date
served in one zone counts as served in every zone. So after flying west (Tokyo to Los
Angeles) the learner is not sent the date they already had again; their next lesson is
the next date. After flying east the clock jumps forward: if it jumps over today's lesson
time (Berlin at 05:00 is Tokyo at 13:00, past a 07:30 lesson), today's lesson is still
owed and comes at once, as a lesson time skipped by a spring-forward change still comes
that day; a date the learner never stood on at or after its lesson time (their evening
was cut short by the jump) is not owed.

**The property.** The learner lives through any sequence of zone changes (east, west,
across the date line, into and out of daylight saving time). The model runs the service's
own steps: each change reschedules as ``Learners.set_zone`` does, each due instant claims
the local date as ``Deliveries.claim_due`` does (a claim due at the very instant of a
move goes first, as a tick would). Then:

- no local date is served twice, and dates served only move forward;
- every scheduled local date on which the learner stood at or after its lesson time (in
  the zone they were in then) while no later date had been served, from their first
  lesson on, was served. (Flying back west after a later date was served, the learner
  stands on an earlier date again: it is not served, since dates only move forward.)

Not modelled: the seconds between a lesson's time and the tick that claims it (the model
claims at the due instant); a move made in them is rescheduled from the move's instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.learning.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    Schedule,
    local_date,
    next_due_after_move,
    next_due_at,
    slot_instant,
)

ZONES = (
    "UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
    "America/St_Johns", "Asia/Tokyo", "Asia/Kolkata", "Australia/Lord_Howe",
    "Pacific/Chatham", "Pacific/Kiritimati", "Etc/GMT+12", "America/Santiago", "UTC-09:30",
)  # fmt: skip
START = datetime(2026, 3, 1, tzinfo=UTC)  # DST changes within weeks on both hemispheres
SPAN = timedelta(days=21)


@dataclass(frozen=True)
class Move:
    """The learner sets ``zone`` at ``at`` (an instant)."""

    at: datetime
    zone: str


@dataclass
class Life:
    """What the model learner lived: the zone periods, and the dates served (in order)
    with the instants they were served at."""

    periods: list[tuple[datetime, datetime, str]]
    served: list[date]
    instants: list[datetime]

    def served_before(self, instant: datetime) -> date | None:
        """The latest date served by ``instant`` (a claim at that very instant included)."""
        return max((d for d, i in zip(self.served, self.instants, strict=True) if i <= instant),
                   default=None)  # fmt: skip


def live(lesson_at: time, days: frozenset[int], first: str, moves: list[Move]) -> Life:
    """Run the service's steps: a move reschedules, a due instant claims its local date."""
    zone, last = first, None
    due = next_due_at(Schedule(lesson_at, zone, days), now=START, last_delivered=None,
                      resume_on=None)  # fmt: skip
    served: list[date] = []
    instants: list[datetime] = []
    periods, since = [], START
    for move in [*moves, Move(START + SPAN, zone)]:
        while due is not None and due <= move.at:  # a tick at the same instant goes first
            last = local_date(due, zone)  # the claim: one row per learner and local date
            served.append(last)
            instants.append(due)
            due = next_due_at(Schedule(lesson_at, zone, days), now=due, last_delivered=last,
                              resume_on=None)  # fmt: skip
        periods.append((since, move.at, zone))
        schedule = Schedule(lesson_at, move.zone, days)
        due = next_due_after_move(schedule, zone, now=move.at, last_delivered=last,
                                  resume_on=None)  # fmt: skip
        since, zone = move.at, move.zone
    return Life(periods, served, instants)


def owed(life: Life, lesson_at: time, days: frozenset[int]) -> set[date]:
    """Scheduled dates the learner stood on at or after the lesson time while no later
    date had been served, from the first lesson on (before it, they were setting up)."""
    if not life.served:
        return set()
    found: set[date] = set()
    for begin, end, zone in life.periods:
        first_day = local_date(begin, zone) - timedelta(days=1)
        for offset in range((end - begin).days + 3):
            day = first_day + timedelta(days=offset)
            standing = max(begin, slot_instant(day, lesson_at, zone))
            if standing >= end or local_date(standing, zone) != day or day.weekday() not in days:
                continue
            latest = life.served_before(standing)
            if latest is None or latest < day:  # dates only move forward
                found.add(day)
    return {day for day in found if day >= life.served[0]}


MOVES = st.lists(
    st.builds(
        Move,
        st.datetimes(
            START.replace(tzinfo=None), (START + SPAN).replace(tzinfo=None), timezones=st.just(UTC)
        ),  # fmt: skip
        st.sampled_from(ZONES),
    ),
    max_size=8,
).map(lambda moves: sorted(moves, key=lambda m: m.at))
TIMES = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 59]))


@settings(max_examples=400, deadline=None)
@given(TIMES, st.sampled_from([ALL_DAYS, WEEKDAYS, frozenset({0, 3})]), st.sampled_from(ZONES),
       MOVES)  # fmt: skip
@example(  # Berlin at 05:00 on Saturday is 13:00 in Tokyo: past a 07:30 lesson
    time(7, 30), ALL_DAYS, "Europe/Berlin", [Move(datetime(2026, 3, 7, 4, 0, tzinfo=UTC),
                                                  "Asia/Tokyo")],
)  # fmt: skip
@example(  # Saturday's lesson in Tokyo, then Los Angeles, where it is still Friday
    time(7, 30), ALL_DAYS, "Asia/Tokyo", [Move(datetime(2026, 3, 6, 22, 35, tzinfo=UTC),
                                               "America/Los_Angeles")],
)  # fmt: skip
def test_no_local_day_is_skipped_or_served_twice_whatever_the_moves(
    lesson_at: time, days: frozenset[int], first: str, moves: list[Move]
) -> None:
    life = live(lesson_at, days, first, moves)
    assert all(a < b for a, b in zip(life.served, life.served[1:], strict=False)), life.served
    missing = owed(life, lesson_at, days) - set(life.served)
    assert not missing, (sorted(missing), life.served)


def test_flying_east_over_the_lesson_time_still_brings_todays_lesson() -> None:
    """Regression: Berlin at 05:00 on Saturday 7 March is 13:00 in Tokyo, past 07:30.

    Before, the next lesson was Sunday's: Saturday, a day the learner lived in Tokyo from
    13:00, had no lesson at all. Now it is owed, and due at once.
    """
    now = datetime(2026, 3, 7, 4, 0, tzinfo=UTC)
    schedule = Schedule(time(7, 30), "Asia/Tokyo", ALL_DAYS)
    due = next_due_after_move(schedule, "Europe/Berlin", now=now,
                              last_delivered=date(2026, 3, 6), resume_on=None)  # fmt: skip
    assert due == now


def test_flying_west_never_brings_a_date_again() -> None:
    """Saturday's lesson in Tokyo; in Los Angeles it is still Friday: next is Sunday."""
    now = datetime(2026, 3, 6, 22, 35, tzinfo=UTC)  # Sat 07:35 Tokyo, Fri 14:35 LA
    schedule = Schedule(time(7, 30), "America/Los_Angeles", ALL_DAYS)
    due = next_due_after_move(schedule, "Asia/Tokyo", now=now,
                              last_delivered=date(2026, 3, 7), resume_on=None)  # fmt: skip
    assert due is not None and local_date(due, "America/Los_Angeles") == date(2026, 3, 8)
