"""A corpus of hostile and malformed input, sent to the real bot over HTTP.

Each case is one test: one input from one person (a private message, a command in a
group, a forged or replayed button, a poll answer for a poll the bot never sent, a file)
and what must follow: a clear reply (or a toast on the pressed button), or silence. Every
case also checks that no handler raised, that nobody else heard anything, and that the
database holds exactly the rows it held before, apart from the tables the case names.

The scene (three onboarded learners, two teams, a running challenge, announcements, a
group and a stranger) is built through the services rather than by chatting, so the
corpus stays fast; test_onboarding.py covers the conversation that builds it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from bot.services.announcements import Content
from bot.store.models import Announcement
from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import bot_message, learner, team

pytestmark = pytest.mark.both_databases

ANN, FAY, BEN, ZED = 9101, 9102, 9103, 9104  # Ann is in Fay's team; Ben has his own
GROUP = -1009100  # Ann, Fay and Ben, with the bot
PEOPLE = (ANN, FAY, BEN, ZED)
CHATS = (*PEOPLE, GROUP)
TRACK = "cultural-humility"
HUGE = 10 * 1024  # a 10 KB argument
BIG_ID = "9" * 40  # fits in 64 bytes of callback data, not in a 64-bit integer
ZED_NAME = "<i>Zed</a> *x* _y_ `z`"  # Zed has a hostile first name and never sent /start
HEADER = "📣 Riverside clinic · announcement\n\n"


@dataclass(frozen=True)
class Scene:
    """The ids a payload can name as ``{riverside}``, ``{fay_draft}`` and so on."""

    riverside: int  # Fay facilitates; Ann is a member
    riverside_code: str
    hillside: int  # Ben facilitates; a 2-day challenge (the whole track) is running
    hillside_code: str
    hillside_challenge: int
    fay_draft: int  # Fay's draft announcement to Riverside
    fay_cancelled: int  # Fay's cancelled announcement
    ben_draft: int  # Ben's draft announcement to Hillside
    fay_scheduled: int  # Fay's announcement to Riverside, scheduled for tomorrow
    ben_scheduled: int  # one of three to Hillside in the next 3 hours: its daily cap is full
    ann: int = ANN
    fay: int = FAY
    ben: int = BEN

    def fill(self, template: str) -> str:
        """Put the ids in; any other braces (format-string attacks) stay as typed."""
        for name, value in dataclasses.asdict(self).items():
            template = template.replace("{" + name + "}", str(value))
        return template


async def set_scene(h: Harness) -> Scene:
    """The shared set-up: onboarded learners, teams, announcements, a group, a stranger."""
    s = h.services
    assert s is not None
    for who, name in ((ANN, "Ann"), (FAY, "Fay"), (BEN, "Ben")):
        learner(h, who, name, time="07:00", tracks=(TRACK,))
    h.user(ZED, ZED_NAME)
    riverside = team(h, FAY, (ANN,), name="Riverside clinic", show_names=True)
    hillside = team(h, BEN, name="Hillside")
    challenge = s.challenges.start(BEN, hillside.id, TRACK, 2, None)
    note = Content("text", "Supervision moves to 4 pm.")
    fay_draft = s.announcements.draft(FAY, riverside.id, note)
    fay_cancelled = s.announcements.draft(FAY, riverside.id, note)
    s.announcements.cancel(FAY, fay_cancelled.id)
    ben_draft = s.announcements.draft(BEN, hillside.id, note)
    now = s.clock.now()
    fay_scheduled = s.announcements.draft(FAY, riverside.id, note)
    s.announcements.schedule(FAY, fay_scheduled.id, now + timedelta(days=1))
    for hours in (1, 2, 3):
        ben_scheduled = s.announcements.draft(BEN, hillside.id, note)
        s.announcements.schedule(BEN, ben_scheduled.id, now + timedelta(hours=hours))
    h.emulator.create_group(GROUP, "Riverside staff", [ANN, FAY, BEN])
    for who in PEOPLE:  # a bot message in every chat, to press forged buttons on
        await bot_message(h, who)
    return Scene(
        riverside.id,
        riverside.code,
        hillside.id,
        hillside.code,
        challenge.id,
        fay_draft.id,
        fay_cancelled.id,
        ben_draft.id,
        fay_scheduled.id,
        ben_scheduled.id,
    )


# -- the kinds of input ----------------------------------------------------------------

Verify = Callable[[Harness, Scene], None]


@dataclass(frozen=True)
class Hostile:
    """One input from ``actor``; ``payload`` may name scene ids (``{hillside}``).

    ``expect``: a fragment of the reply (a message, or for a button also its toast);
    ``None`` means the bot stays silent. ``changes``: the tables that may change (every
    other table must hold the same rows). ``pending``: the typed answer the actor's chat
    is waiting for (``rename:{riverside}``). ``verify``: what an accepted input did.
    """

    actor: int
    payload: str
    expect: str | None
    changes: tuple[str, ...] = ()
    pending: str | None = None
    verify: Verify | None = None

    @property
    def chat(self) -> int:
        """Where the answer belongs."""
        return self.actor

    async def send(self, h: Harness, scene: Scene) -> None:
        h.emulator.send_message(self.actor, scene.fill(self.payload))


@dataclass(frozen=True)
class Say(Hostile):
    """A private message: a command or plain text."""


@dataclass(frozen=True)
class InGroup(Hostile):
    """A message in the group the actor shares with the bot."""

    @property
    def chat(self) -> int:
        return GROUP

    async def send(self, h: Harness, scene: Scene) -> None:
        h.emulator.send_message(self.actor, scene.fill(self.payload), chat_id=GROUP)


@dataclass(frozen=True)
class Press(Hostile):
    """Forged or replayed callback data, pressed on the chat's latest bot message."""

    async def send(self, h: Harness, scene: Scene) -> None:
        message = h.emulator.bot_messages(self.actor)[-1]
        data = scene.fill(self.payload)
        h.emulator.press_button(self.actor, message.message_id, data, check=False)


@dataclass(frozen=True)
class Vote(Hostile):
    """An answer to a poll the bot never sent; ``payload`` is the poll id."""

    options: tuple[int, ...] = (0,)

    async def send(self, h: Harness, scene: Scene) -> None:
        poll_id = scene.fill(self.payload)
        h.emulator.answer_poll(self.actor, poll_id, list(self.options), force=True)


@dataclass(frozen=True)
class File(Hostile):
    """A PDF whose caption is ``payload``."""

    async def send(self, h: Harness, scene: Scene) -> None:
        caption = scene.fill(self.payload)
        h.emulator.send_file(self.actor, "document", "notes.pdf", b"%PDF-1.4", caption)


# -- what accepted inputs must have done -----------------------------------------------


def profile(h: Harness, who: int) -> Any:
    assert h.services is not None
    found = h.services.learners.get(who)
    assert found is not None
    return found


def ann_chose_0730(h: Harness, scene: Scene) -> None:
    assert profile(h, ANN).at == time(7, 30)


def ann_is_asked_for_tracks(h: Harness, scene: Scene) -> None:
    assert profile(h, ANN).pending_step == "tracks" and profile(h, ANN).tracks == (TRACK,)


def team_named(name: str) -> Verify:
    def check(h: Harness, scene: Scene) -> None:
        assert h.services is not None
        teams = h.services.teams.teams_of(ANN)
        assert [(t.name, t.role) for t in teams] == [
            ("Riverside clinic", "member"),
            (name, "facilitator"),
        ]

    return check


def zed_is_greeted_by_his_literal_name(h: Harness, scene: Scene) -> None:
    assert profile(h, ZED).first_name == ZED_NAME
    assert any(t.startswith(f"Hi {ZED_NAME}, welcome to Attune") for t in h.texts(ZED))


def announced_literally(text: str) -> Verify:
    def check(h: Harness, scene: Scene) -> None:
        assert h.services is not None
        with h.services.db.session() as session:
            newest = max(session.execute(select(Announcement)).scalars(), key=lambda a: a.id or 0)
        assert newest.text == text and newest.state == "draft" and newest.learner_id == FAY
        assert HEADER + text in h.texts(FAY)  # the preview is exactly what members get
        assert profile(h, FAY).pending_step is None

    return check


def ann_picks_a_zone(h: Harness, scene: Scene) -> None:
    assert profile(h, ANN).pending_step == "zone" and profile(h, ANN).zone == "Europe/Berlin"


def fay_waits_for_nothing(h: Harness, scene: Scene) -> None:
    assert profile(h, FAY).pending_step is None


def fay_sees_the_last_page(h: Harness, scene: Scene) -> None:
    assert text_of(h.emulator.bot_messages(FAY)[-1]).startswith(
        "Riverside clinic: members 1 to 2 of 2"
    )


# -- the corpus ------------------------------------------------------------------------

STALE = "That button is no longer active"
STEP_DONE = "That step is already done"
BAD_TIME = "couldn't read that as a time"
BAD_ZONE = "don't know that time zone"
BAD_DAYS = "couldn't read those days"
BAD_PAUSE = "Pause for how many days"
TOO_LONG = "longer than I can use"
NOT_UNDERSTOOD = "not sure what to do with that"
NEED_START = "send /start"
PRIVATE = "Let's talk in a private chat"
NOT_FACILITATOR = "Only this team's facilitators can do that"
NOWHERE = "not a facilitator of any team"
NO_INVITATION = "invitation is no longer open"
NOT_MEMBER = "not a member of that team"
UNKNOWN_CODE = "don't recognise that join code"
BAD_NAME = "1 to 64 characters of plain text"
REFUSED = "Nothing was changed"
BAD_MOMENT = "couldn't read that time"
HAND_OVER = "only facilitator of Riverside clinic"
UNKNOWN_ORG = "don't recognise that organisation code"
ISDIGIT = "'²' passes str.isdigit() but int('²') raises ValueError: the handler crashes"
OVERFLOW = "an id beyond 64 bits reaches SQLite, which raises OverflowError: the handler crashes"
ANNOUNCE = "announce:{riverside}"
SCHEDULE = "schedule:{fay_draft}"
SCHEDULE_BEN = "schedule:{ben_draft}"
CAP_NOW = "Nothing was sent. The next can go out from Tuesday 3 March at 07:00"
CAP_THEN = "Nothing was scheduled. The first time from then that fits is Tuesday 3 March at 07:00"
RENAME = "rename:{riverside}"
CRISIS_DE = "findahelpline.com/DE"
MARKUP = '<b>bold</b> </i> <a href="tg://user?id=1">x</a> *b* _i_ `c` [l](http://x)'

CASES: list[tuple[Any, ...]] = [
    # /time, /timezone, /days, /pause, /tracks: wrong types, sizes and characters
    ("time: superscript digit", Say(ANN, "/time ²", BAD_TIME)),
    ("time: 10 KB argument", Say(ANN, "/time " + "7" * HUGE, TOO_LONG)),
    ("time: NUL and escape codes", Say(ANN, "/time 7:30\x00\x1b[31m", BAD_TIME)),
    ("time: SQL", Say(ANN, "/time 7:30'; DROP TABLE learner; --", BAD_TIME)),
    (
        "time: Arabic-Indic digits are read",
        Say(ANN, "/time ٠٧:٣٠", "Saved.", ("learner",), verify=ann_chose_0730),
    ),
    ("timezone: superscript offset", Say(ANN, "/timezone UTC+²", BAD_ZONE)),
    ("timezone: path traversal", Say(ANN, "/timezone ../../../etc/passwd", BAD_ZONE)),
    ("timezone: 10 KB argument", Say(ANN, "/timezone " + "Europe/Berlin" * 800, TOO_LONG)),
    ("days: range with three ends", Say(ANN, "/days mon-sun-fri", BAD_DAYS)),
    ("days: 10 KB argument", Say(ANN, "/days " + "mon," * (HUGE // 4), TOO_LONG)),
    ("pause: zero days", Say(ANN, "/pause 0", BAD_PAUSE)),
    ("pause: superscript digit", Say(ANN, "/pause ²", BAD_PAUSE)),
    ("pause: 10 KB number", Say(ANN, "/pause " + "9" * HUGE, BAD_PAUSE)),
    (
        "tracks: an argument is ignored",
        Say(
            ANN,
            "/tracks <script>alert(1)</script>",
            "Tap to add or remove tracks",
            ("learner",),
            verify=ann_is_asked_for_tracks,
        ),
    ),
    # /start, /join, /newteam, /challenge
    ("start: 10 KB payload", Say(ANN, "/start " + "A" * HUGE, "Welcome back")),
    ("join: 10 KB code", Say(ANN, "/join " + "Z" * HUGE, UNKNOWN_CODE)),
    ("join: HTML link", Say(ANN, '/join <a href="https://evil.example">x</a>', UNKNOWN_CODE)),
    ("join: SQL", Say(ANN, "/join ' OR '1'='1", UNKNOWN_CODE)),
    (
        "join: replayed for a team already joined",
        Say(ANN, "/join {riverside_code}", "already in this team"),
    ),
    ("newteam: closing tag", Say(ANN, "/newteam </i>Team", BAD_NAME)),
    ("newteam: 33 emoji are 66 UTF-16 units", Say(ANN, "/newteam " + "🙂" * 33, BAD_NAME)),
    ("newteam: control characters", Say(ANN, "/newteam Team\x07\x1b[2J", BAD_NAME)),
    (
        "newteam: bidi override",
        Say(ANN, "/newteam Riverside\u202e clinic", BAD_NAME),
    ),
    (
        "newteam: zero-width space only",
        Say(ANN, "/newteam \u200b", BAD_NAME),
    ),
    (
        "newteam: SQL is just a name",
        Say(
            ANN,
            "/newteam Robert'); DROP TABLE team;--",
            "is ready",
            ("team", "membership"),
            verify=team_named("Robert'); DROP TABLE team;--"),
        ),
    ),
    (
        "newteam: right-to-left script is a fine name",
        Say(
            ANN,
            "/newteam عيادة النهر",
            "is ready",
            ("team", "membership"),
            verify=team_named("عيادة النهر"),
        ),
    ),
    ("challenge: from a member", Say(ANN, "/challenge <b>x</b> 7", NOWHERE)),
    (
        "challenge: longer than the track",
        Say(FAY, "/challenge cultural-humility 3", "Cultural humility has 2 lessons"),
    ),
    (
        "challenge: SQL track",
        Say(FAY, "/challenge '; DROP TABLE challenge; -- 7", "don't know that track"),
    ),
    (
        "challenge: 10 KB argument",
        Say(FAY, "/challenge " + "x" * HUGE + " 7", "Start a challenge with buttons"),
    ),
    # other commands
    (
        "unknown command with 10 KB of arguments",
        Say(ANN, "/frobnicate " + "x" * HUGE, "I don't know /frobnicate"),
    ),
    ("a 5000-character command", Say(ANN, "/" + "a" * 5000, "I don't know /aaaa")),
    ("a command for another bot", Say(ANN, "/today@some_other_bot", "I don't know /today@")),
    ("an upper-case command", Say(ANN, "/HELP", "What I can do")),
    ("teamadmin: shell after the command", Say(ANN, "/teamadmin; rm -rf /", NOWHERE)),
    ("announce: from a member", Say(ANN, "/announce @everyone", "Only a team's facilitators")),
    ("cancel: nothing pending", Say(ANN, "/cancel everything", "nothing to cancel")),
    (
        "mydata: an argument is ignored",
        Say(ANN, "/mydata <script>", "everything Attune stores about you"),
    ),
    (
        "deletemydata: an argument only asks",
        Say(ANN, "/deletemydata now please", "This deletes everything"),
    ),
    # plain text that is nobody's answer
    ("text: HTML and Markdown", Say(ANN, MARKUP, NOT_UNDERSTOOD)),
    ("text: control characters", Say(ANN, "\x00\x01\x07\x1b[2J\x7f", NOT_UNDERSTOOD)),
    ("text: 10 KB", Say(ANN, "x" * HUGE, TOO_LONG)),
    ("text: emoji with skin tones and joiners", Say(ANN, "👩🏽‍⚕️🧑‍🤝‍🧑🏳️‍🌈", NOT_UNDERSTOOD)),
    (
        "text: right-to-left with overrides",
        Say(ANN, "مرحبا \u202eevil\u202c שלום", NOT_UNDERSTOOD),
    ),
    ("text: format strings", Say(ANN, "{0} %s %n {{}} ${jndi:ldap://x}", NOT_UNDERSTOOD)),
    ("text: a document", File(ANN, "<b>caption</b>", NOT_UNDERSTOOD)),
    # a stranger who never sent /start
    ("stranger: /time", Say(ZED, "/time 7:30", NEED_START)),
    ("stranger: /newteam", Say(ZED, "/newteam Zed's team", NEED_START)),
    ("stranger: /deletemydata", Say(ZED, "/deletemydata", "I don't store anything about you")),
    (
        "stranger: a hostile first name is greeted literally",
        Say(
            ZED,
            "/start",
            "welcome to Attune",
            ("learner",),
            verify=zed_is_greeted_by_his_literal_name,
        ),
    ),
    ("stranger: forged pv:delete", Press(ZED, "pv:delete", "I don't store anything about you")),
    # commands in a group that belong in a private chat, and /linkteam abuse
    ("group: /start", InGroup(ANN, "/start", PRIVATE)),
    ("group: /deletemydata", InGroup(ANN, "/deletemydata", PRIVATE)),
    ("group: /join a real code", InGroup(BEN, "/join {riverside_code}", PRIVATE)),
    ("group: /linkteam without a code", InGroup(FAY, "/linkteam", "Link this group to your team")),
    ("group: /linkteam by a member", InGroup(ANN, "/linkteam {riverside_code}", NOT_FACILITATOR)),
    (
        "group: /linkteam with another team's code",
        InGroup(FAY, "/linkteam {hillside_code}", NOT_FACILITATOR),
    ),
    ("group: /linkteam 10 KB code", InGroup(FAY, "/linkteam " + "A" * HUGE, UNKNOWN_CODE)),
    ("group: plain text is ignored", InGroup(ANN, MARKUP, None)),
    # tr: tm: tz: dy: st: pv:
    ("tr: path as track id", Press(ANN, "tr:../../etc/passwd", STALE)),
    ("tr: extra colon", Press(ANN, "tr:done:now", STALE)),
    ("tr:done replayed after onboarding", Press(ANN, "tr:done", STEP_DONE)),
    ("tm: seconds", Press(ANN, "tm:07:30:00", STALE)),
    ("tz: lower-case zone", Press(ANN, "tz:europe/berlin", STALE)),
    ("dy: day -1", Press(ANN, "dy:t:-1", STALE)),
    ("dy: extra colon", Press(ANN, "dy:custom:now", STALE)),
    ("dy:done replayed after onboarding", Press(ANN, "dy:done", STEP_DONE)),
    ("tm: an old time button after onboarding", Press(ANN, "tm:07:30", STEP_DONE)),
    ("tz: an old zone button after onboarding", Press(ANN, "tz:Asia/Tokyo", STEP_DONE)),
    ("tr: an old track button after onboarding", Press(ANN, "tr:" + TRACK, STEP_DONE)),
    ("st: extra colon", Press(ANN, "st:time:now", STALE)),
    ("pv: extra colon deletes nothing", Press(ANN, "pv:delete:now", STALE)),
    ("pv:keep replayed", Press(ANN, "pv:keep", "Nothing was deleted")),
    ("cn: show a delivery that is not hers", Press(ANN, "cn:show:1", STALE)),
    ("cn: skip a huge delivery id", Press(ANN, f"cn:skip:{BIG_ID}", STALE)),
    ("cn: leading zero", Press(ANN, "cn:skip:01", STALE)),
    ("cn: unknown choice", Press(ANN, "cn:hide:1", STALE)),
    ("cn: stranger", Press(ZED, "cn:show:1", STALE)),
    # tj: joining
    ("tj: join another team uninvited", Press(ANN, "tj:y:{hillside}", NO_INVITATION)),
    ("tj: huge team id", Press(ANN, f"tj:y:{BIG_ID}", "no longer")),
    ("tj: superscript team id", Press(ANN, "tj:y:²", STALE)),
    ("tj: negative team id", Press(ANN, "tj:y:-1", STALE)),
    ("tj: extra colon", Press(ANN, "tj:y:{riverside}:1", STALE)),
    ("tj:n replayed by a member", Press(ANN, "tj:n:{riverside}", NO_INVITATION)),
    ("tj:x replayed by a member", Press(ANN, "tj:x:{riverside}", NO_INVITATION)),
    # tx: team actions
    ("tx: stats of another team", Press(ANN, "tx:stats:{hillside}", NOT_FACILITATOR)),
    ("tx: export as a member", Press(ANN, "tx:export:{riverside}", NOT_FACILITATOR)),
    ("tx: negative team id", Press(ANN, "tx:board:-{riverside}", STALE)),
    ("tx: leave a team one is not in", Press(ANN, "tx:leave:{hillside}", NOT_MEMBER)),
    ("tx: unknown action", Press(ANN, "tx:drop table:1", STALE)),
    # ta: team admin
    ("ta: rotate another team's code", Press(ANN, "ta:r:{hillside}", NOT_FACILITATOR)),
    ("ta: promote oneself", Press(ANN, "ta:f:{riverside}:{ann}", NOT_FACILITATOR)),
    ("ta: remove the facilitator", Press(ANN, "ta:x:{riverside}:{fay}", NOT_FACILITATOR)),
    ("ta: rename as a member", Press(ANN, "ta:n:{riverside}", NOT_FACILITATOR)),
    ("ta: empty part", Press(ANN, "ta::{riverside}", STALE)),
    ("ta: negative member id", Press(FAY, "ta:x:{riverside}:-{ann}", STALE)),
    ("ta: a facilitator removes herself", Press(FAY, "ta:x:{riverside}:{fay}", "use /leave")),
    ("ta: remove someone not in the team", Press(FAY, "ta:x:{riverside}:{ben}", NOT_MEMBER)),
    ("ta: stop another team's challenge", Press(FAY, "ta:s:{hillside}", NOT_FACILITATOR)),
    # tc: challenges
    ("tc: follow another team's challenge", Press(ANN, "tc:c:{hillside_challenge}", NOT_MEMBER)),
    ("tc: negative challenge id", Press(ANN, "tc:c:-1", STALE)),
    (
        "tc: huge challenge id",
        Press(ANN, f"tc:c:{BIG_ID}", STALE),
    ),
    (
        "tc: start for another team",
        Press(ANN, "tc:s:{hillside}:cultural-humility:7:20260309", NOT_FACILITATOR),
    ),
    (
        "tc: start as a member",
        Press(ANN, "tc:s:{riverside}:cultural-humility:7:0", NOT_FACILITATOR),
    ),
    (
        "tc: choose the track for another team",
        Press(ANN, "tc:k:{hillside}:cultural-humility", NOT_FACILITATOR),
    ),
    (
        "tc: a 57-character track id",
        Press(FAY, "tc:k:{riverside}:" + "x" * 57, "don't know that track"),
    ),
    (
        "tc: a 39-digit length",
        Press(FAY, "tc:d:{riverside}:cultural-humility:" + "9" * 39, STALE),
    ),
    ("tc: zero days", Press(FAY, "tc:s:{riverside}:cultural-humility:0:0", "1 to 2 days")),
    (
        "tc: a length longer than the track",
        Press(FAY, "tc:d:{riverside}:cultural-humility:30", "Cultural humility has 2 lessons"),
    ),
    (
        "tc: start longer than the track",
        Press(FAY, "tc:s:{riverside}:cultural-humility:3:0", "so it can run for 1 to 2 days"),
    ),
    ("tc: unknown track", Press(FAY, "tc:s:{riverside}:astrology:7:0", "don't know that track")),
    (
        "tc: start in 1999",
        Press(FAY, "tc:s:{riverside}:cultural-humility:2:19990101", "can't be in the past"),
    ),
    # an: announcements
    ("an: send another facilitator's draft", Press(BEN, "an:s:{fay_draft}", NOT_FACILITATOR)),
    ("an: cancel another facilitator's draft", Press(FAY, "an:c:{ben_draft}", NOT_FACILITATOR)),
    ("an: schedule as a member", Press(ANN, "an:l:{fay_draft}", NOT_FACILITATOR)),
    ("an: announce to everyone", Press(ANN, "an:t:0", "Only Attune's operators")),
    ("an: announce to another team", Press(FAY, "an:t:{hillside}", NOT_FACILITATOR)),
    ("an: extra colon", Press(FAY, "an:s:{fay_draft}:1", STALE)),
    ("an: negative id", Press(FAY, "an:s:-{fay_draft}", STALE)),
    ("an: huge id", Press(FAY, f"an:s:{BIG_ID}", REFUSED)),
    ("an: superscript id", Press(FAY, "an:s:²", STALE)),
    (
        "an: send a cancelled announcement",
        Press(FAY, "an:s:{fay_cancelled}", "already sent, scheduled or cancelled"),
    ),
    (
        "an: cancel a cancelled announcement again",
        Press(FAY, "an:x:{fay_cancelled}", "cancelled"),
    ),
    ("an: a member cancels a scheduled one", Press(ANN, "an:x:{fay_scheduled}", NOT_FACILITATOR)),
    (
        "an: cancel another team's scheduled one",
        Press(FAY, "an:x:{ben_scheduled}", NOT_FACILITATOR),
    ),
    ("an: send a scheduled one again", Press(FAY, "an:s:{fay_scheduled}", "already sent")),
    ("an: send now past the daily cap", Press(BEN, "an:s:{ben_draft}", CAP_NOW)),
    (
        "an: Send now past the daily cap while a time is awaited",
        Press(BEN, "an:s:{ben_draft}", CAP_NOW, pending=SCHEDULE_BEN),
    ),
    # poll answers for polls the bot never sent
    ("poll: forged id", Vote(ANN, "forged-poll-id", None)),
    ("poll: 10 KB id", Vote(ANN, "p" * HUGE, None)),
    ("poll: retracted vote", Vote(ANN, "forged-poll-id", None, options=())),
    ("poll: options out of range", Vote(ANN, "forged-poll-id", None, options=(-1, 99))),
    ("poll: from a stranger", Vote(ZED, "forged-poll-id", None)),
    # typed answers while the bot waits for an announcement, a time or a team name
    (
        "announce: HTML and Markdown are sent as typed",
        Say(
            FAY,
            MARKUP,
            "Preview",
            ("announcement", "learner"),
            ANNOUNCE,
            announced_literally(MARKUP),
        ),
    ),
    ("announce: 10 KB text", Say(FAY, "x" * HUGE, "too long to send", pending=ANNOUNCE)),
    (
        "schedule: year 1",
        Say(FAY, "0001-01-01 00:30", "already passed", pending=SCHEDULE),
    ),
    (
        "schedule: year 9999 west of UTC",
        Say(FAY, "9999-12-31 23:59 UTC-05:00", BAD_MOMENT, pending=SCHEDULE),
    ),
    (
        "schedule: unknown zone",
        Say(FAY, "tomorrow 15:00 Mars/Olympus", BAD_ZONE, pending=SCHEDULE),
    ),
    ("schedule: 10 KB", Say(FAY, "1" * HUGE, BAD_MOMENT, pending=SCHEDULE)),
    (
        "schedule: a time the daily cap has no room for",
        Say(BEN, "today 10:00", CAP_THEN, pending=SCHEDULE_BEN),
    ),
    (
        "schedule: past the daily cap, in another zone",
        Say(BEN, "today 09:30 UTC", CAP_THEN, pending=SCHEDULE_BEN),
    ),
    (
        "rename: closing tag",
        Say(FAY, "</i>", BAD_NAME, ("learner",), RENAME, fay_waits_for_nothing),
    ),
    ("rename: 10 KB", Say(FAY, "x" * HUGE, TOO_LONG, pending=RENAME)),
    (
        "rename: bidi override",
        Say(FAY, "Riverside\u202e clinic", BAD_NAME, ("learner",), RENAME, fay_waits_for_nothing),
    ),
    (
        "rename: a name that reads like a notice from Attune",
        Say(FAY, "Attune · notice", "reads like a message from Attune", ("learner",), RENAME),
    ),
    ("rename: a name that looks blank", Say(FAY, "\u3164", BAD_NAME, ("learner",), RENAME)),
    # distress: resources at once (Berlin: Germany's page), never the fallback; nothing saved
    ("crisis: plain text", Say(ANN, "I can't go on, I want to end my life", CRISIS_DE)),
    (
        "crisis: while a name is awaited",
        Say(FAY, "i want to kill myself", CRISIS_DE, pending=RENAME),
    ),
    ("crisis: while a time is awaited", Say(ANN, "better off dead", CRISIS_DE, pending="time")),
    ("crisis: in a caption", File(ANN, "thinking of killing myself", CRISIS_DE)),
    ("crisis: in /feedback", Say(ANN, "/feedback I feel hopeless", CRISIS_DE)),
    ("crisis: a figure of speech is not", Say(ANN, "this lesson is killing me", NOT_UNDERSTOOD)),
    # zone words: choices, not guesses; nothing saved until one is tapped
    (
        "zone word: CST offers choices and waits for one",
        Say(
            ANN, "/timezone CST", "more than one time zone", ("learner",), verify=ann_picks_a_zone
        ),
    ),
    (
        "zone word: while a zone is awaited",
        Say(ANN, "IST", "more than one time zone", pending="zone"),
    ),
    # confirmations of destructive admin buttons, and stale or forged ones
    ("tk: confirm a new code for another team", Press(FAY, "tk:r:{hillside}", NOT_FACILITATOR)),
    ("tk: stop a challenge as a member", Press(ANN, "tk:s:{riverside}", NOT_FACILITATOR)),
    ("tk: unknown confirmation", Press(FAY, "tk:x:{riverside}", STALE)),
    ("tk: negative team id", Press(FAY, "tk:r:-{riverside}", STALE)),
    ("tk: huge team id", Press(FAY, f"tk:r:{BIG_ID}", STALE)),
    ("ti: info on an unknown track", Press(ANN, "ti:astrology", STALE)),
    ("ti: info on a path", Press(ANN, "ti:../../etc/passwd", STALE)),
    # the only facilitator cannot leave or erase by one tap; closing asks first
    ("leave: the only facilitator is asked to hand over", Say(FAY, "/leave", HAND_OVER)),
    ("tx: leave as the only facilitator", Press(FAY, "tx:leave:{riverside}", HAND_OVER)),
    ("deletemydata: the only facilitator hands over", Say(FAY, "/deletemydata", HAND_OVER)),
    ("pv: forged delete by the only facilitator", Press(FAY, "pv:delete", HAND_OVER)),
    ("ta: close another team", Press(FAY, "ta:c:{hillside}", NOT_FACILITATOR)),
    ("tk: close another team", Press(FAY, "tk:c:{hillside}", NOT_FACILITATOR)),
    ("tk: close a team as a member", Press(ANN, "tk:c:{riverside}", NOT_FACILITATOR)),
    ("tk: close a team one is not in", Press(ZED, "tk:c:{riverside}", NOT_FACILITATOR)),
    # the members list: pages and actions, forged
    ("mp: another team's members", Press(FAY, "mp:{hillside}:0", NOT_FACILITATOR)),
    ("mp: members as a member", Press(ANN, "mp:{riverside}:0", NOT_FACILITATOR)),
    ("mp: negative page", Press(FAY, "mp:{riverside}:-1", STALE)),
    ("mp: huge page", Press(FAY, f"mp:{{riverside}}:{BIG_ID}", STALE)),
    (
        "mp: a page past the end shows the last",
        Press(FAY, "mp:{riverside}:999999", None, verify=fay_sees_the_last_page),
    ),
    ("ta: page 0 written out is not ours", Press(FAY, "ta:x:{riverside}:{ann}:0", STALE)),
    ("ta: confirm removing oneself", Press(FAY, "ta:d:{riverside}:{fay}", "use /leave")),
    ("ta: confirm removing a stranger", Press(FAY, "ta:d:{riverside}:{ben}", NOT_MEMBER)),
    ("ta: confirm removing as a member", Press(ANN, "ta:d:{riverside}:{fay}:2", NOT_FACILITATOR)),
    # organisations
    ("org: from a member", Say(ANN, "/org ABCDE-23456", NOWHERE)),
    ("org: an unknown code", Say(FAY, "/org ZZZZZ-ZZZZZ", UNKNOWN_ORG)),
    (
        "org: a join code is not an organisation code",
        Say(FAY, "/org {hillside_code}", UNKNOWN_ORG),
    ),
    ("org: 10 KB code", Say(FAY, "/org " + "Z" * HUGE, UNKNOWN_ORG)),
    ("org: HTML", Say(FAY, "/org <b>x</b>", UNKNOWN_ORG)),
    ("tx: another team's organisation", Press(FAY, "tx:org:{hillside}", NOT_FACILITATOR)),
    ("og: put another team in", Press(FAY, "og:{hillside}:ABCDE23456", NOT_FACILITATOR)),
    ("og: an unknown code", Press(FAY, "og:{riverside}:ABCDE23456", UNKNOWN_ORG)),
    ("og: a code not as we write it", Press(FAY, "og:{riverside}:abcde-23456", STALE)),
    ("og: no code", Press(FAY, "og:{riverside}:", STALE)),
]


def case(description: str, hostile: Hostile, bug: str | None = None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=f"bug: {bug}")] if bug else []
    return pytest.param(description, hostile, id=description, marks=marks)


def snapshot(h: Harness) -> dict[str, Any]:
    """Every row of every table, and the services' view of each person."""
    s = h.services
    assert s is not None
    with s.db.session() as session:
        rows = {
            table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
            for table in SQLModel.metadata.sorted_tables
        }
    return {
        "rows": rows,
        "learner": {who: s.learners.get(who) for who in PEOPLE},
        "teams": {who: s.teams.teams_of(who) for who in PEOPLE},
    }


def assert_unchanged(before: dict[str, Any], after: dict[str, Any], hostile: Hostile) -> None:
    """Tables outside ``changes`` hold the same rows; other people's views are the same."""
    allowed = set(hostile.changes)
    for table, rows in before["rows"].items():
        if table not in allowed:
            assert len(after["rows"][table]) == len(rows), f"{table}: row count changed"
            assert after["rows"][table] == rows, f"{table}: rows changed"
    for view, tables in (("learner", {"learner"}), ("teams", {"team", "membership"})):
        for who in PEOPLE:
            if who != hostile.actor or not allowed & tables:
                assert after[view][who] == before[view][who], f"{view} of {who} changed"


@pytest.mark.parametrize(("description", "hostile"), [case(*c) for c in CASES])
async def test_hostile_input(harness: Harness, description: str, hostile: Hostile) -> None:
    h = harness
    assert h.services is not None
    scene = await set_scene(h)
    if hostile.pending is not None:
        h.services.learners.expect(hostile.actor, scene.fill(hostile.pending))
    before = snapshot(h)
    seen = {chat: len(h.emulator.bot_messages(chat)) for chat in CHATS}
    answered = len(h.emulator.callback_answers())
    try:
        await hostile.send(h, scene)
        await h.settle()
    finally:  # report a crash here, not as a fixture error at teardown
        raised, h.errors[:] = list(h.errors), []
    assert not raised, f"a handler raised {raised!r}"

    heard = {c: [text_of(m) for m in h.emulator.bot_messages(c)[seen[c] :]] for c in CHATS}
    toasts = [a.text or "" for a in h.emulator.callback_answers()[answered:]]
    assert not [c for c, texts in heard.items() if texts and c != hostile.chat], heard
    if isinstance(hostile, Press):
        assert len(toasts) == 1, f"the press was answered {len(toasts)} times"
    if hostile.expect is None:
        assert heard[hostile.chat] == [] and not any(toasts), (heard, toasts)
    else:
        said = "\n".join(toasts + heard[hostile.chat])
        assert hostile.expect in said, said
    assert_unchanged(before, snapshot(h), hostile)
    if hostile.verify is not None:
        hostile.verify(h, scene)
