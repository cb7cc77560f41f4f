"""One typed codec for what a button carries and for what a typed answer is for.

**Buttons.** Every button's callback data is one of the frozen dataclasses below, written
as short explicit text (``tm:07:30``, ``tc:s:12:cultural-humility:14:20261207``) so a
button still works after a restart, and old buttons keep working after a deploy (the
formats never change). ``decode`` is the only reader: anything it does not recognise
(forged, stale, truncated, an id too long to be ours) is ``None`` and refused before it
reaches a service. ``encode`` refuses anything over Telegram's 64 bytes. Handlers are
registered per route type with ``matches(...)``, so routing is by type, not by regex.

**Typed answers.** What the learner's next message answers (a time, a team's new name,
an announcement) is stored on the learner as text; ``Awaiting`` types read it back.
The services still see the text; only the edge interprets it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from bot.learning.join_codes import normalise
from bot.learning.numbers import is_digits, small_id
from bot.learning.schedule import parse_time, parse_zone
from bot.limits import CALLBACK_DATA_BYTES

SETTING_STEPS = ("tracks", "time", "zone", "days")
FEEDBACK = "feedback"
JOURNAL = "journal"


class RouteTooLong(ValueError):
    """Callback data over Telegram's 64 bytes: a bug in how a button was built."""


# -- onboarding and settings -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PickTrack:
    """Tick or untick a track in the track picker."""

    track_id: str


@dataclass(frozen=True, slots=True)
class TracksDone:
    """The track picker's Done."""


@dataclass(frozen=True, slots=True)
class TrackInfo:
    """Show a track's description and learning objectives."""

    track_id: str


@dataclass(frozen=True, slots=True)
class PickTime:
    """A delivery time button (``HH:MM``, already valid)."""

    at: str


@dataclass(frozen=True, slots=True)
class PickZone:
    """A time-zone button (an IANA name, already valid)."""

    zone: str


class DaysChoice(StrEnum):
    DAILY = "daily"
    WEEKDAYS = "weekdays"
    CUSTOM = "custom"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class PickDays:
    """Every day, weekdays, open the custom picker, or finish it."""

    choice: DaysChoice


@dataclass(frozen=True, slots=True)
class ToggleDay:
    """One weekday in the custom picker (0 = Monday)."""

    day: int


@dataclass(frozen=True, slots=True)
class OpenSetting:
    """A /settings button: ask that step again."""

    step: str


@dataclass(frozen=True, slots=True)
class ConfirmErase:
    """The answer to "delete everything?": erase, or keep."""

    erase: bool


@dataclass(frozen=True, slots=True)
class LessonAgain:
    """Resend today's lesson after a crash may have cost part of it."""


@dataclass(frozen=True, slots=True)
class NoteChoice:
    """Under a sensitive lesson's content note: show the lesson, or skip it today."""

    delivery_id: int
    show: bool


# -- teams and challenges ----------------------------------------------------------------
class JoinChoice(StrEnum):
    WITH_NAME = "y"
    WITHOUT_NAME = "n"
    DECLINE = "x"


@dataclass(frozen=True, slots=True)
class JoinAnswer:
    """The consent question when joining a team."""

    team_id: int
    choice: JoinChoice


class TeamMenuAction(StrEnum):
    BOARD = "board"
    STATS = "stats"
    EXPORT = "export"
    CHALLENGE = "challenge"
    ADMIN = "admin"
    LEAVE = "leave"
    ORG = "org"


@dataclass(frozen=True, slots=True)
class TeamMenu:
    """A team picked for a command (/teamstats, /leave …) by someone in several teams."""

    action: TeamMenuAction
    team_id: int


class AdminOp(StrEnum):
    MEMBERS = "m"
    NEW_CODE = "r"
    RENAME = "n"
    STOP_CHALLENGE = "s"
    CLOSE = "c"


@dataclass(frozen=True, slots=True)
class TeamAdmin:
    """A /teamadmin menu button."""

    op: AdminOp
    team_id: int


class ConfirmOp(StrEnum):
    NEW_CODE = "r"
    STOP_CHALLENGE = "s"
    BACK = "b"
    CLOSE = "c"


@dataclass(frozen=True, slots=True)
class ConfirmAdmin:
    """The second tap of a destructive /teamadmin action, or going back to the menu."""

    op: ConfirmOp
    team_id: int


class MemberOp(StrEnum):
    MAKE_FACILITATOR = "f"
    REMOVE = "x"  # asks first, in the list's message
    CONFIRM_REMOVE = "d"


@dataclass(frozen=True, slots=True)
class MemberAction:
    """A button for one member in the members list, on page ``page`` of it."""

    op: MemberOp
    team_id: int
    learner_id: int
    page: int = 0


@dataclass(frozen=True, slots=True)
class MembersPage:
    """Another page of a team's members list (from 0)."""

    team_id: int
    page: int


@dataclass(frozen=True, slots=True)
class JoinOrg:
    """Put this team into the organisation with ``code`` (a normalised code)."""

    team_id: int
    code: str


@dataclass(frozen=True, slots=True)
class ChallengeTrack:
    """Starting a challenge, step 1: the track."""

    team_id: int
    track_id: str


@dataclass(frozen=True, slots=True)
class ChallengeLength:
    """Step 2: the length in days."""

    team_id: int
    track_id: str
    days: int


@dataclass(frozen=True, slots=True)
class ChallengeStart:
    """Step 3: the first day (``None``: the service's default)."""

    team_id: int
    track_id: str
    days: int
    start: date | None


@dataclass(frozen=True, slots=True)
class FollowChallenge:
    """Make this running challenge the one that counts for the learner."""

    challenge_id: int


# -- announcements -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AnnounceTo:
    """The audience of a new announcement (a team id, or 0 for everyone)."""

    audience: int


class DraftOp(StrEnum):
    SEND_NOW = "s"
    SCHEDULE = "l"
    CANCEL_DRAFT = "c"
    CANCEL_SCHEDULED = "x"


@dataclass(frozen=True, slots=True)
class AnnouncementAction:
    """Send, schedule or cancel one announcement."""

    op: DraftOp
    announcement_id: int


# -- practice and reflection ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TryPractice:
    """ "I'll try it" under the practice of delivery ``delivery_id``'s lesson."""

    delivery_id: int


class Outcome(StrEnum):
    TRIED = "t"
    NOT_YET = "n"
    NO_FIT = "x"


@dataclass(frozen=True, slots=True)
class PracticeOutcome:
    """The answer to the follow-up: tried it, not yet, or it doesn't fit my work."""

    outcome: Outcome
    delivery_id: int


@dataclass(frozen=True, slots=True)
class SkipPracticeNote:
    """No note on how the practice went."""

    delivery_id: int


@dataclass(frozen=True, slots=True)
class Reflect:
    """Write a reflection on delivery ``delivery_id``'s lesson, or skip it."""

    delivery_id: int
    write: bool


Route = (
    PickTrack | TracksDone | TrackInfo | PickTime | PickZone | PickDays | ToggleDay
    | OpenSetting | ConfirmErase | LessonAgain | JoinAnswer | TeamMenu | TeamAdmin
    | ConfirmAdmin | MemberAction | ChallengeTrack | ChallengeLength | ChallengeStart
    | FollowChallenge | AnnounceTo | AnnouncementAction | MembersPage | JoinOrg
    | TryPractice | PracticeOutcome | SkipPracticeNote | Reflect | NoteChoice
)  # fmt: skip


def encode(route: Route) -> str:
    """The callback data for ``route``; raises ``RouteTooLong`` past 64 bytes."""
    data = _encode(route)
    if len(data.encode()) > CALLBACK_DATA_BYTES:
        raise RouteTooLong(data)
    return data


def _encode(route: Route) -> str:
    match route:
        case TracksDone():
            return "tr:done"
        case PickTrack(track_id):
            return f"tr:{track_id}"
        case TrackInfo(track_id):
            return f"ti:{track_id}"
        case PickTime(at):
            return f"tm:{at}"
        case PickZone(zone):
            return f"tz:{zone}"
        case PickDays(choice):
            return f"dy:{choice.value}"
        case ToggleDay(day):
            return f"dy:t:{day}"
        case OpenSetting(step):
            return f"st:{step}"
        case ConfirmErase(erase):
            return "pv:delete" if erase else "pv:keep"
        case LessonAgain():
            return "ls:again"
        case NoteChoice(delivery_id, show):
            return f"cn:{'show' if show else 'skip'}:{delivery_id}"
        case JoinAnswer(team_id, choice):
            return f"tj:{choice.value}:{team_id}"
        case TeamMenu(action, team_id):
            return f"tx:{action.value}:{team_id}"
        case TeamAdmin(op, team_id):
            return f"ta:{op.value}:{team_id}"
        case ConfirmAdmin(op, team_id):
            return f"tk:{op.value}:{team_id}"
        case MemberAction(op, team_id, learner_id, page):
            on_page = f":{page}" if page else ""
            return f"ta:{op.value}:{team_id}:{learner_id}{on_page}"
        case MembersPage(team_id, page):
            return f"mp:{team_id}:{page}"
        case JoinOrg(team_id, code):
            return f"og:{team_id}:{code}"
        case ChallengeTrack(team_id, track_id):
            return f"tc:k:{team_id}:{track_id}"
        case ChallengeLength(team_id, track_id, days):
            return f"tc:d:{team_id}:{track_id}:{days}"
        case ChallengeStart(team_id, track_id, days, start):
            when = f"{start:%Y%m%d}" if start else "0"
            return f"tc:s:{team_id}:{track_id}:{days}:{when}"
        case FollowChallenge(challenge_id):
            return f"tc:c:{challenge_id}"
        case AnnounceTo(audience):
            return f"an:t:{audience}"
        case AnnouncementAction(op, announcement_id):
            return f"an:{op.value}:{announcement_id}"
        case TryPractice(delivery_id):
            return f"pf:c:{delivery_id}"
        case PracticeOutcome(outcome, delivery_id):
            return f"pf:{outcome.value}:{delivery_id}"
        case SkipPracticeNote(delivery_id):
            return f"pf:s:{delivery_id}"
        case Reflect(delivery_id, write):
            return f"rf:{'w' if write else 's'}:{delivery_id}"
    raise TypeError(f"not a route: {route!r}")


def decode(data: object) -> Route | None:
    """Read callback data back; ``None`` for anything we did not write."""
    if not isinstance(data, str) or len(data.encode()) > CALLBACK_DATA_BYTES:
        return None
    head, _, rest = data.partition(":")
    reader = _READERS.get(head)
    return reader(rest) if reader is not None and rest else None


def matches(*kinds: type) -> Callable[[object], bool]:
    """A ``CallbackQueryHandler`` pattern: does the data decode to one of ``kinds``?"""
    return lambda data: isinstance(decode(data), kinds)


def _id(text: str) -> int | None:
    """One of our numeric ids, written as we write them: ASCII digits, no leading zero,
    fitting a 64-bit integer. ``٠`` or ``007`` would read as another number than the
    button says, so they are refused."""
    canonical = text.isascii() and is_digits(text) and (text == "0" or text[0] != "0")
    return small_id(text) if canonical else None


E = TypeVar("E", bound=StrEnum)


def _choice(kind: type[E], text: str) -> E | None:
    try:
        return kind(text)
    except ValueError:
        return None


def _read_track(rest: str) -> Route | None:
    return TracksDone() if rest == "done" else PickTrack(rest)


def _read_days(rest: str) -> Route | None:
    if rest.startswith("t:"):
        day = rest[2:]
        return ToggleDay(int(day)) if day in tuple("0123456") else None
    choice = _choice(DaysChoice, rest)
    return PickDays(choice) if choice else None


def _tag_and_id(rest: str) -> tuple[str, int | None]:
    """``"tag:123"`` read as its tag and its id (``None`` if the id is not one)."""
    tag, _, number = rest.partition(":")
    return tag, _id(number)


def _read_note_choice(rest: str) -> Route | None:
    choice, delivery_id = _tag_and_id(rest)
    if delivery_id is None or choice not in ("show", "skip"):
        return None
    return NoteChoice(delivery_id, show=choice == "show")


def _read_join(rest: str) -> Route | None:
    choice, team_id = _tag_and_id(rest)
    picked = _choice(JoinChoice, choice)
    return JoinAnswer(team_id, picked) if team_id is not None and picked else None


def _read_menu(rest: str) -> Route | None:
    action, team_id = _tag_and_id(rest)
    picked = _choice(TeamMenuAction, action)
    return TeamMenu(picked, team_id) if team_id is not None and picked else None


def _read_admin(rest: str) -> Route | None:
    parts = rest.split(":")
    ids = [_id(part) for part in parts[1:]]
    if None in ids or not ids:
        return None
    if len(parts) == 2 and (op := _choice(AdminOp, parts[0])):
        return TeamAdmin(op, ids[0])  # type: ignore[arg-type]  # None excluded above
    if len(parts) == 3 and (member_op := _choice(MemberOp, parts[0])):
        # The type: ignore below: None ids were refused just above.
        return MemberAction(member_op, ids[0], ids[1])  # type: ignore[arg-type]
    if len(parts) == 4 and ids[2] and (member_op := _choice(MemberOp, parts[0])):
        # The type: ignore below: None ids were refused just above.
        return MemberAction(member_op, ids[0], ids[1], ids[2])  # type: ignore[arg-type]
    return None


def _read_members_page(rest: str) -> Route | None:
    team, _, page = rest.partition(":")
    team_id, number = _id(team), _id(page)
    return MembersPage(team_id, number) if team_id is not None and number is not None else None


def _read_org(rest: str) -> Route | None:
    team, _, code = rest.partition(":")
    team_id = _id(team)
    return JoinOrg(team_id, code) if team_id is not None and normalise(code) == code else None


def _read_confirm(rest: str) -> Route | None:
    op, team_id = _tag_and_id(rest)
    picked = _choice(ConfirmOp, op)
    return ConfirmAdmin(picked, team_id) if team_id is not None and picked else None


def _read_challenge(rest: str) -> Route | None:
    kind, *parts = rest.split(":")
    if kind == "c" and len(parts) == 1 and (challenge_id := _id(parts[0])) is not None:
        return FollowChallenge(challenge_id)
    sizes = {"k": 2, "d": 3, "s": 4}
    if sizes.get(kind) != len(parts) or (team_id := _id(parts[0])) is None or not parts[1]:
        return None
    track_id, numbers = parts[1], [_id(part) for part in parts[2:]]
    if None in numbers:
        return None
    if kind == "k":
        return ChallengeTrack(team_id, track_id)
    days = numbers[0]
    assert days is not None
    if kind == "d":
        return ChallengeLength(team_id, track_id, days)
    if parts[3] == "0":  # no date chosen: the service's default
        return ChallengeStart(team_id, track_id, days, None)
    start = _compact_date(parts[3])
    return ChallengeStart(team_id, track_id, days, start) if start else None


def _compact_date(text: str) -> date | None:
    """``yyyymmdd`` as a date; ``None`` when it is not one."""
    if not (text.isascii() and text.isdigit() and len(text) == 8):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        return None


def _read_announcement(rest: str) -> Route | None:
    kind, value = _tag_and_id(rest)
    if value is None:
        return None
    if kind == "t":
        return AnnounceTo(value)
    op = _choice(DraftOp, kind)
    return AnnouncementAction(op, value) if op else None


def _read_practice(rest: str) -> Route | None:
    kind, delivery_id = _tag_and_id(rest)
    if delivery_id is None:
        return None
    if kind == "c":
        return TryPractice(delivery_id)
    if kind == "s":
        return SkipPracticeNote(delivery_id)
    outcome = _choice(Outcome, kind)
    return PracticeOutcome(outcome, delivery_id) if outcome else None


def _read_reflect(rest: str) -> Route | None:
    kind, delivery_id = _tag_and_id(rest)
    return Reflect(delivery_id, kind == "w") if delivery_id and kind in ("w", "s") else None


_READERS: dict[str, Callable[[str], Route | None]] = {
    "tr": _read_track,
    "ti": lambda rest: TrackInfo(rest),
    "tm": lambda rest: PickTime(rest) if parse_time(rest) is not None else None,
    "tz": lambda rest: PickZone(rest) if parse_zone(rest) == rest else None,
    "dy": _read_days,
    "st": lambda rest: OpenSetting(rest) if rest in SETTING_STEPS else None,
    "pv": lambda rest: ConfirmErase(rest == "delete") if rest in ("delete", "keep") else None,
    "ls": lambda rest: LessonAgain() if rest == "again" else None,
    "cn": _read_note_choice,
    "tj": _read_join,
    "tx": _read_menu,
    "ta": _read_admin,
    "tk": _read_confirm,
    "tc": _read_challenge,
    "an": _read_announcement,
    "mp": _read_members_page,
    "og": _read_org,
    "pf": _read_practice,
    "rf": _read_reflect,
}


# -- what a typed message answers --------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AwaitSetting:
    """A setup step: a time, a zone or days typed instead of tapped (or tracks)."""

    step: str


@dataclass(frozen=True, slots=True)
class AwaitAnnouncement:
    """The content of a new announcement to ``audience``."""

    audience: int


@dataclass(frozen=True, slots=True)
class AwaitScheduleTime:
    """When to send a drafted announcement."""

    announcement_id: int


@dataclass(frozen=True, slots=True)
class AwaitTeamName:
    """A team's new name."""

    team_id: int


@dataclass(frozen=True, slots=True)
class AwaitFeedback:
    """A report of an error in a lesson, for the operators."""


@dataclass(frozen=True, slots=True)
class AwaitJournal:
    """A private note for the journal (/journal with nothing after it)."""


@dataclass(frozen=True, slots=True)
class AwaitReflection:
    """A reflection on the lesson of delivery ``delivery_id``, for the journal."""

    delivery_id: int


@dataclass(frozen=True, slots=True)
class AwaitPracticeNote:
    """A line on how the practice from delivery ``delivery_id``'s lesson went."""

    delivery_id: int


Awaiting = (
    AwaitSetting | AwaitAnnouncement | AwaitScheduleTime | AwaitTeamName | AwaitFeedback
    | AwaitJournal | AwaitReflection | AwaitPracticeNote
)  # fmt: skip
# What a note for the journal answers: /cancel leaves it, and it is saved only once clean.
JOURNAL_ANSWERS = (AwaitJournal, AwaitReflection, AwaitPracticeNote)
_AWAITING_PREFIXES: dict[str, Callable[[int], Awaiting]] = {
    "announce": AwaitAnnouncement,
    "schedule": AwaitScheduleTime,
    "rename": AwaitTeamName,
    "reflect": AwaitReflection,
    "tried": AwaitPracticeNote,
}


def awaiting_text(awaiting: Awaiting) -> str:
    """How ``awaiting`` is stored on the learner (``pending_step``)."""
    match awaiting:
        case AwaitSetting(step):
            return step
        case AwaitAnnouncement(audience):
            return f"announce:{audience}"
        case AwaitScheduleTime(announcement_id):
            return f"schedule:{announcement_id}"
        case AwaitTeamName(team_id):
            return f"rename:{team_id}"
        case AwaitFeedback():
            return FEEDBACK
        case AwaitJournal():
            return JOURNAL
        case AwaitReflection(delivery_id):
            return f"reflect:{delivery_id}"
        case AwaitPracticeNote(delivery_id):
            return f"tried:{delivery_id}"
    raise TypeError(f"not an awaited answer: {awaiting!r}")


def awaiting(stored: str | None) -> Awaiting | None:
    """Read the stored step back; ``None`` when nothing is awaited (or it is unreadable)."""
    if not stored:
        return None
    if stored in SETTING_STEPS:
        return AwaitSetting(stored)
    if stored == FEEDBACK:
        return AwaitFeedback()
    if stored == JOURNAL:
        return AwaitJournal()
    head, _, number = stored.partition(":")
    make, value = _AWAITING_PREFIXES.get(head), _id(number)
    return make(value) if make is not None and value is not None else None


def is_cancellable(waiting: Awaiting | None) -> bool:
    """/cancel leaves these; setup steps are left by finishing or by /settings."""
    cancellable = (AwaitAnnouncement, AwaitScheduleTime, AwaitTeamName, AwaitFeedback)
    return isinstance(waiting, (*cancellable, *JOURNAL_ANSWERS))
