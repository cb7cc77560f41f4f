"""Properties of every parser that reads what people type or what a button carries.

Each parser must never raise on arbitrary text (a crash in a parser is a crash in a
handler), and whatever it accepts must be in range and read back the same when written
the way the bot writes it. The "never raises" properties pin the inputs known to break
them with ``@example``, so their xfail marks fail deterministically, not by luck.
"""

from __future__ import annotations

import dataclasses
import random
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.clock import SystemClock
from bot.content.loader import load_library
from bot.learning.join_codes import (
    ALPHABET,
    INVITATION_DAYS,
    LENGTH,
    deep_link_payload,
    display,
    invitation_open,
    new_code,
    normalise,
)
from bot.learning.moments import Moment, parse_moment
from bot.learning.schedule import DAY_NAMES, parse_days, parse_time, parse_zone, zone_info
from bot.limits import CALLBACK_DATA_BYTES
from bot.services.teams import MEMBERS_PER_PAGE, MembersPage, MemberView
from bot.telegram import keyboards, routes
from bot.telegram import team_keyboards as tk
from bot.telegram.texts import days_label

LESSONS = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OFFSET = re.compile(r"^UTC[+-](0\d|1[0-4]):(00|15|30|45)$")
ISDIGIT = "str.isdigit() accepts '²' but int('²') raises ValueError"

# Arbitrary text, and text made of the characters the parsers look for, so near misses
# ("7:3O", "UTC+5:3", "mon--fri", "tm:07:30:") are common rather than rare.
NEAR = "0123456789:.-+,; /apmAPMutcgUTCGMT²٣monwedfrisatsunDAILYweekjoin-ABCDEF23456"
TEXT = st.one_of(st.text(max_size=80), st.text(alphabet=NEAR, max_size=24))
DATA_TEXT = st.one_of(
    st.text(max_size=70),
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(["tr:", "tm:", "tz:", "dy:", "dy:t:", "st:", "pv:", "tj:y:", "tx:stats:",
                         "ta:m:", "ta:x:1:", "ta:x:1:2:", "ta:c:", "tk:c:", "mp:", "mp:1:",
                         "og:1:", "tc:k:1:", "tc:d:1:x:", "tc:s:1:x:7:", "tc:c:"]),
        st.text(alphabet=NEAR, max_size=30),
    ),
)  # fmt: skip


def odd_digit_free(text: str) -> bool:
    """No character that ``isdigit`` accepts and ``int`` refuses (the known bug)."""
    return not any(c.isdigit() and not c.isdecimal() for c in text)


CLEAN_TEXT = TEXT.filter(odd_digit_free)
CLEAN_DATA = DATA_TEXT.filter(odd_digit_free)


# -- parse_time ---------------------------------------------------------------------------


@given(TEXT)
@example("²")
@example("7:³0")
def test_parse_time_never_raises(text: str) -> None:
    parse_time(text)


@given(CLEAN_TEXT)
@example("٠٧:٣٠")
def test_an_accepted_time_is_a_whole_minute_that_reads_back(text: str) -> None:
    at = parse_time(text)
    if at is None:
        return
    assert at.second == 0 and at.microsecond == 0 and at.tzinfo is None
    assert parse_time(f"{at:%H:%M}") == at
    assert parse_time(f"{at:%I:%M%p}") == at  # 12-hour, as "07:30PM"
    assert parse_time(f"{at:%H%M}") == at  # four digits, as "0730"


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_clock_time_is_read(hour: int, minute: int) -> None:
    expected = time(hour, minute)
    assert parse_time(f"{hour}:{minute:02d}") == expected
    assert parse_time(f" {hour:02d}.{minute:02d} ") == expected


@given(st.integers(24, 99), st.integers(0, 99))
def test_hours_past_23_are_refused(hour: int, minute: int) -> None:
    assert parse_time(f"{hour}:{minute:02d}") is None


# -- parse_zone ---------------------------------------------------------------------------


@given(TEXT)
@example("UTC+²")
@example("+²")
def test_parse_zone_never_raises(text: str) -> None:
    parse_zone(text)


@given(CLEAN_TEXT)
@example("utc+5:30")
@example("TOKYO")
def test_an_accepted_zone_is_canonical_and_loads(text: str) -> None:
    zone = parse_zone(text)
    if zone is None:
        return
    assert len(zone) <= 64 and parse_zone(zone) == zone
    assert zone == "UTC" or OFFSET.match(zone) or "/" in zone
    assert zone_info(zone).utcoffset(NOW.replace(tzinfo=None)) is not None


@given(st.sampled_from("+-"), st.integers(0, 14), st.sampled_from([0, 15, 30, 45]))
def test_offsets_read_back_in_range(sign: str, hours: int, minutes: int) -> None:
    zone = parse_zone(f"GMT {sign}{hours}:{minutes:02d}")
    if hours == 14 and minutes:
        assert zone is None
        return
    assert zone is not None and parse_zone(zone) == zone
    offset = zone_info(zone).utcoffset(None)
    assert offset is not None and abs(offset) <= timedelta(hours=14)
    signed = (1 if sign == "+" else -1) * timedelta(hours=hours, minutes=minutes)
    assert offset == signed


# -- parse_days ---------------------------------------------------------------------------


@given(TEXT)
def test_parse_days_never_raises_and_stays_in_the_week(text: str) -> None:
    days = parse_days(text)
    assert days is None or (days and days <= frozenset(range(7)))


@given(st.frozensets(st.integers(0, 6), min_size=1), st.booleans(), st.randoms())
def test_days_read_back_from_how_they_are_shown(
    days: frozenset[int], full: bool, rnd: random.Random
) -> None:
    assert parse_days(days_label(days)) == days
    names = [(FULL_NAMES if full else DAY_NAMES)[d] for d in sorted(days)]
    rnd.shuffle(names)
    typed = rnd.choice([", ", ",", " ", "; "]).join(n.upper() if full else n for n in names)
    assert parse_days(typed) == days


@given(st.integers(0, 6), st.integers(0, 6))
def test_a_day_range_wraps_past_sunday(first: int, last: int) -> None:
    days = parse_days(f"{DAY_NAMES[first]}-{DAY_NAMES[last]}")
    assert days is not None and first in days and last in days
    assert len(days) == (last - first) % 7 + 1


# -- parse_moment -------------------------------------------------------------------------

ZONES = st.sampled_from(["UTC", "Europe/Berlin", "America/Chicago", "Asia/Kolkata", "UTC-03:30"])


@given(TEXT, ZONES)
@example("0001-01-01 00:30", "Europe/Berlin")
@example("9999-12-31 23:59 UTC-05:00", "UTC")
def test_parse_moment_never_raises(text: str, zone: str) -> None:
    parse_moment(text, NOW, zone)


def check_moment(moment: Moment) -> None:
    """Exactly one of an instant ahead of now (in UTC) or a known problem."""
    assert (moment.instant is None) != (moment.problem is None)
    if moment.instant is not None:
        assert moment.instant.tzinfo is not None and moment.instant.utcoffset() == timedelta(0)
        assert moment.instant > NOW
    else:
        assert moment.problem in ("bad_time", "bad_zone", "past_time")


@given(CLEAN_TEXT, ZONES)
def test_a_moment_is_an_instant_ahead_or_a_named_problem(text: str, zone: str) -> None:
    check_moment(parse_moment(text, NOW, zone))


@given(
    st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(["UTC", "UTC+05:30", "UTC-03:30", "UTC+14:00", "UTC-12:00"]),
    ZONES,
)
def test_a_typed_moment_in_a_fixed_zone_reads_back_exactly(
    day: date, hour: int, minute: int, zone: str, own_zone: str
) -> None:
    moment = parse_moment(f"{day.isoformat()} {hour}:{minute:02d} {zone}", NOW, own_zone)
    check_moment(moment)
    expected = datetime.combine(day, time(hour, minute), tzinfo=zone_info(zone))
    if expected > NOW:
        assert moment.instant == expected
    else:
        assert moment.problem == "past_time"


# -- join codes -----------------------------------------------------------------------------


@given(TEXT)
def test_normalise_never_raises_and_gives_a_valid_code(text: str) -> None:
    code = normalise(text)
    if code is not None:
        assert len(code) == LENGTH and set(code) <= set(ALPHABET)
        assert normalise(code) == code


@given(st.randoms(use_true_random=False))
def test_codes_read_back_however_they_are_typed(rnd: random.Random) -> None:
    code = new_code(rnd.choice)
    for typed in (
        code,
        code.lower(),
        display(code),
        f"  {display(code).lower()} ",
        " ".join(code),
        deep_link_payload(code),
    ):
        assert normalise(typed) == code, typed


@given(st.timedeltas(timedelta(0), timedelta(days=30)))
def test_an_invitation_is_open_for_its_days_and_never_without_a_time(waited: timedelta) -> None:
    assert invitation_open(NOW, NOW + waited) == (waited < timedelta(days=INVITATION_DAYS))
    assert not invitation_open(None, NOW + waited)


# -- callback data ------------------------------------------------------------------------

LIBRARY = load_library(LESSONS, SystemClock().now().date())  # as build_services does
TRACK_IDS = st.sampled_from(sorted(LIBRARY.tracks))
IDS = st.integers(0, 2**31 - 1)


@given(DATA_TEXT)
@example("tm:²")
@example("tz:UTC+²")
@example("tj:y:²")
@example("tc:s:1:x:²:0")
def test_decode_never_raises(data: str) -> None:
    routes.decode(data)


@given(st.one_of(st.none(), st.integers(), st.binary(), st.lists(st.text()), st.floats()))
def test_callback_data_that_is_not_text_is_refused(data: object) -> None:
    assert routes.decode(data) is None


@given(CLEAN_DATA)
@example("tc:s:1:x:7:0")
@example("tm:07:30")
@example("tj:x:٠")
@example("ta:x:1:01")
def test_an_accepted_button_is_one_we_could_have_sent(data: str) -> None:
    """Whatever decodes, encodes back to the very same data: nothing is read loosely."""
    route = routes.decode(data)
    if route is None:
        return
    assert len(data.encode()) <= CALLBACK_DATA_BYTES
    assert routes.encode(route) == data
    match route:
        case routes.PickTime(at):
            assert parse_time(at) is not None
        case routes.PickZone(zone):
            assert parse_zone(zone) == zone
        case routes.ToggleDay(day):
            assert 0 <= day <= 6
        case routes.OpenSetting(step):
            assert step in {step for _, step in keyboards.SETTINGS_STEPS}
        case routes.PickTrack(track_id):
            assert track_id and track_id != "done"
    for field in dataclasses.fields(route):
        value = getattr(route, field.name)
        assert not isinstance(value, int) or 0 <= value < 2**63


def buttons(markup: object) -> list[str]:
    return [b.callback_data for row in markup.inline_keyboard for b in row]  # type: ignore[attr-defined]


@given(st.frozensets(st.integers(0, 6)))
def test_every_learner_button_reads_back(days: frozenset[int]) -> None:
    markups = [
        keyboards.tracks_keyboard(LIBRARY, ()),
        keyboards.time_keyboard(),
        keyboards.zone_keyboard(NOW),
        keyboards.days_keyboard(),
        keyboards.custom_days_keyboard(days),
        keyboards.settings_keyboard(),
        keyboards.delete_keyboard(),
        keyboards.content_note_keyboard(7),
        keyboards.draft_keyboard(7),
        keyboards.cancel_scheduled_keyboard(7),
        keyboards.audience_keyboard([(0, "all"), (3, "Riverside")], 0),
    ]
    for data in [d for m in markups for d in buttons(m)]:
        assert len(data.encode()) <= CALLBACK_DATA_BYTES
        assert routes.decode(data) is not None, data
    assert routes.decode("tm:07:30") == routes.PickTime("07:30")
    assert routes.decode("dy:t:6") == routes.ToggleDay(6)
    assert routes.decode("pv:delete") == routes.ConfirmErase(erase=True)


@given(
    IDS,
    IDS,
    TRACK_IDS,
    st.integers(1, 90),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.integers(0, 10**6),
    st.randoms(use_true_random=False),
)
def test_every_team_button_reads_back(
    team: int, other: int, track: str, days: int, start: date, page: int, rnd: random.Random
) -> None:
    monday = start + timedelta(days=(7 - start.weekday()) % 7 or 7)
    starts = (start, start + timedelta(days=1), monday)
    join, admin, member = routes.JoinChoice, routes.AdminOp, routes.MemberOp
    confirmed = [op for op in routes.ConfirmOp if op is not routes.ConfirmOp.BACK]
    back = routes.ConfirmAdmin(routes.ConfirmOp.BACK, team)
    listing, code = routes.MembersPage(team, page), new_code(rnd.choice)
    expected: list[tuple[object, list[routes.Route]]] = [
        (tk.consent_keyboard(team), [routes.JoinAnswer(team, c) for c in join]),
        (
            tk.teams_keyboard(routes.TeamMenuAction.STATS, [(team, "Riverside")]),
            [routes.TeamMenu(routes.TeamMenuAction.STATS, team)],
        ),
        (
            tk.tracks_keyboard(team, LIBRARY),
            [routes.ChallengeTrack(team, t.id) for t in LIBRARY.ordered_tracks()],
        ),
        (
            tk.lengths_keyboard(team, track, 30, 30),
            [routes.ChallengeLength(team, track, n) for n in tk.LENGTHS],
        ),
        (
            tk.starts_keyboard(team, track, days, start, start),
            [routes.ChallengeStart(team, track, days, d) for d in starts],
        ),
        (
            tk.start_for_teams_keyboard([(team, "Riverside")], track, days, start),
            [routes.ChallengeStart(team, track, days, start)],
        ),
        (
            tk.start_for_teams_keyboard([(team, "Riverside")], track, days, None),
            [routes.ChallengeStart(team, track, days, None)],
        ),
        (tk.counting_keyboard(((other, "Hillside"),)), [routes.FollowChallenge(other)]),
        (
            tk.counting_keyboard(((other, "Hillside"),), keep=(team, "Riverside")),
            [routes.FollowChallenge(other), routes.FollowChallenge(team)],
        ),
        (tk.admin_keyboard(team), [routes.TeamAdmin(op, team) for op in admin]),
        *[
            (tk.confirm_keyboard(op, team), [routes.ConfirmAdmin(op, team), back])
            for op in confirmed
        ],
        (
            tk.hand_over_keyboard(team, 2),
            [routes.TeamAdmin(admin.MEMBERS, team), routes.TeamAdmin(admin.CLOSE, team)],
        ),
        (tk.hand_over_keyboard(team, 0), [routes.TeamAdmin(admin.CLOSE, team)]),
        (
            tk.confirm_remove_keyboard(team, other, "Ann", page),
            [routes.MemberAction(member.CONFIRM_REMOVE, team, other, page), listing],
        ),
        (tk.org_teams_keyboard([(team, "Riverside")], code), [routes.JoinOrg(team, code)]),
    ]
    for markup, wanted in expected:
        data = buttons(markup)
        assert all(len(d.encode()) <= CALLBACK_DATA_BYTES for d in data), data
        assert [routes.decode(d) for d in data] == wanted


@given(IDS, st.integers(0, 10**6), st.integers(1, 10**4), st.text(max_size=80))
def test_a_members_page_has_a_row_per_other_member_and_pages_on(
    team: int, page: int, total: int, name: str
) -> None:
    """Each other member's actions on this page (no row for oneself), then the pages."""
    first = page * MEMBERS_PER_PAGE
    count = max(0, min(MEMBERS_PER_PAGE, total - first))
    people = tuple(
        MemberView(first + i, name, "facilitator" if i == 1 else "member") for i in range(count)
    )
    listing = MembersPage(team, "Riverside", page, total, people)
    viewer = first  # the facilitator looking is the first on the page
    markup = tk.members_keyboard(listing, viewer)
    rows = markup.inline_keyboard if markup else ()
    assert markup is None or rows, "an empty keyboard is refused by Telegram"
    member_rows = [row for row in rows if "ta:" in (row[0].callback_data or "")]
    assert len(member_rows) == max(0, count - 1)
    wanted = []
    for who in people[1:]:
        ops = [routes.MemberOp.REMOVE]
        if who.role != "facilitator":
            ops.insert(0, routes.MemberOp.MAKE_FACILITATOR)
        wanted += [routes.MemberAction(op, team, who.learner_id, page) for op in ops]
    pages = [routes.MembersPage(team, page - 1)] if page else []
    pages += [routes.MembersPage(team, page + 1)] if listing.more else []
    data = [b.callback_data for row in rows for b in row]
    assert all(len(d.encode()) <= CALLBACK_DATA_BYTES for d in data)  # type: ignore[union-attr]
    assert [routes.decode(d) for d in data] == wanted + pages
    assert sum(len(row) for row in rows) <= 2 * MEMBERS_PER_PAGE + 2


@given(IDS, TRACK_IDS, st.integers(1, 200))
def test_only_lengths_the_track_can_fill_are_offered(team: int, track: str, lessons: int) -> None:
    longest = min(lessons, 90)
    offered = [
        routes.decode(d) for d in buttons(tk.lengths_keyboard(team, track, lessons, longest))
    ]
    days = [r.days for r in offered if isinstance(r, routes.ChallengeLength)]
    assert len(days) == len(offered) and days == sorted(set(days))
    assert days[-1] == longest and all(1 <= n <= longest for n in days)


@given(IDS, TRACK_IDS, st.dates(date(2000, 1, 1), date(2099, 12, 1)), st.integers(0, 3))
def test_only_start_days_everyone_can_begin_on_are_offered(
    team: int, track: str, today: date, late: int
) -> None:
    earliest = today + timedelta(days=late)
    markup = tk.starts_keyboard(team, track, 7, today, earliest)
    starts = [
        r.start
        for r in map(routes.decode, buttons(markup))
        if isinstance(r, routes.ChallengeStart)
    ]
    assert (
        starts and starts[0] == earliest and all(d is not None and d >= earliest for d in starts)
    )
    assert (today in starts) == (late == 0)


@given(st.text(max_size=10), st.integers(CALLBACK_DATA_BYTES, 200))
def test_callback_data_over_64_bytes_is_refused(head: str, size: int) -> None:
    data = "tm:07:30" + head + ":" + "1" * size
    assert routes.decode(data) is None


def test_a_route_that_would_not_fit_telegrams_64_bytes_is_a_bug_caught_at_once() -> None:
    with pytest.raises(routes.RouteTooLong):
        routes.encode(routes.PickTrack("x" * 70))


@given(
    st.one_of(
        st.sampled_from((*routes.SETTING_STEPS, routes.FEEDBACK, routes.JOURNAL)),
        st.builds(
            lambda kind, n: f"{kind}:{n}",
            st.sampled_from(["announce", "schedule", "rename", "reflect", "tried"]),
            IDS,
        ),
    )
)
def test_awaited_answers_read_back(stored: str) -> None:
    waiting = routes.awaiting(stored)
    assert waiting is not None and routes.awaiting_text(waiting) == stored


@given(DATA_TEXT)
def test_an_unreadable_awaited_step_is_nothing_awaited(stored: str) -> None:
    waiting = routes.awaiting(stored)
    assert waiting is None or routes.awaiting_text(waiting) == stored
