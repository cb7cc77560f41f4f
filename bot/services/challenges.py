"""Team challenges: start one, see the board, facilitator stats, summaries and digests.

During a challenge each member's daily lesson is the challenge's lesson for that day
(``counting_challenge`` decides which challenge counts, for delivery and for /team), so
the whole team is on the same lesson on the same day, each at their own local time, and
a late joiner starts where the team is. A challenge teaches a new lesson every day, so it
is never longer than its track, and it starts on a day every member can still have day 1:
today if nobody has had today's lesson yet, otherwise (by default) tomorrow. Completion is
read from deliveries, so nothing here can drift from what was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session

from bot.learning.challenges import (
    Board,
    MemberDays,
    MemberToday,
    build_board,
    challenge_date,
    daily_completion,
    day_index,
    earliest_start,
    is_running,
    longest,
    valid_length,
)
from bot.learning.schedule import local_date, zone_info
from bot.learning.streaks import compute_streak
from bot.services.base import Refusal, Service
from bot.store.models import Challenge, ChallengeChoice, Learner, Team, id_of
from bot.store.queries.challenges import (
    ChallengeDays,
    challenge_days,
    challenges_awaiting_summary,
    counting_challenge,
    latest_challenge,
    unstopped_challenges,
    unstopped_challenges_on_track,
)
from bot.store.queries.deliveries import delivery_on, scheduled_days
from bot.store.queries.teams import active_members, is_active_member, is_facilitator

DIGEST_AT = time(20, 0)
NO_DAYS = ChallengeDays(frozenset(), frozenset())


class ChallengeProblem(Refusal):
    """Why a challenge action was refused; ``code`` selects the reply."""


class ChallengeTooLong(ChallengeProblem):
    """A length the track cannot fill with a new lesson a day (or under one day)."""

    def __init__(self, track_title: str, lessons: int, longest: int) -> None:
        super().__init__("too_long")
        self.track_title, self.lessons, self.longest = track_title, lessons, longest


class StartTooSoon(ChallengeProblem):
    """A start date on which some member could no longer have day 1."""

    def __init__(self, earliest: date) -> None:
        super().__init__("day_one_missed")
        self.earliest = earliest


@dataclass(frozen=True, slots=True)
class ChallengeView:
    """A challenge with the names people read."""

    id: int
    team_id: int
    team_name: str
    track_id: str
    track_title: str
    start_date: date
    days: int
    deferred: bool = False  # no start was given, and today would have left someone out


@dataclass(frozen=True, slots=True)
class YourCounting:
    """For a viewer in several running challenges: which one sets their daily lesson."""

    counts_here: bool
    counting_team: str
    challenge_id: int  # this board's challenge, to follow it instead


@dataclass(frozen=True, slots=True)
class BoardView:
    """/team for one team: its challenge, the board, and how teams on the track rank."""

    challenge: ChallengeView
    status: str
    board: Board
    ranking: tuple[tuple[str, float], ...]
    yours: YourCounting | None = None


@dataclass(frozen=True, slots=True)
class MemberStats:
    """One consenting member's row in /teamstats and the CSV."""

    first_name: str
    completed: int
    streak: int
    days: frozenset[int]
    offered: frozenset[int] = frozenset()  # the days whose lesson reached them


@dataclass(frozen=True, slots=True)
class DayStats:
    """One challenge day in /teamstats: who completed it, of the members it reached."""

    number: int
    day: date
    done: int
    had: int


@dataclass(frozen=True, slots=True)
class StatsView:
    """/teamstats: per-day completion and per-member progress."""

    challenge: ChallengeView
    per_day: tuple[DayStats, ...]
    members: tuple[MemberStats, ...]


@dataclass(frozen=True, slots=True)
class Broadcast:
    """A summary or digest to post: to members' private chats and/or the team's group."""

    challenge: ChallengeView
    board: Board
    member_chats: tuple[int, ...]
    group_chat_id: int | None
    lesson_title: str | None = None


class Challenges(Service):
    """Starting challenges and reporting on them."""

    def start(
        self, actor_id: int, team_id: int, track_id: str, days: int, start: date | None
    ) -> ChallengeView:
        """Start (or schedule) a challenge; one at a time per team.

        Without a ``start`` it begins on the first day every member can have day 1 (today,
        or tomorrow once someone has had today's lesson); a ``start`` on which someone
        could not is refused, naming that first day.
        """
        with self.db.session() as session:
            _require_facilitator(session, team_id, actor_id)
            team = session.get(Team, team_id)
            assert team is not None
            today = local_date(self.clock.now(), team.zone)
            self.check_length(track_id, days)
            if start is not None and start < today:
                raise ChallengeProblem("past_start")
            if self._ongoing(session, team_id, today) is not None:
                raise ChallengeProblem("challenge_running")
            earliest = earliest_start(today, self._members_today(session, team_id))
            if start is not None and start < earliest:
                raise StartTooSoon(earliest)
            challenge = Challenge(
                team_id=team_id,
                track_id=track_id,
                start_date=start or earliest,
                days=days,
                created_at=self.clock.now(),
            )
            session.add(challenge)
            session.flush()
            return self._view(challenge, team, deferred=start is None and earliest > today)

    def earliest_start(self, actor_id: int, team_id: int) -> date:
        """The first day a new challenge of the team could start with every member on
        day 1 (facilitators only): what the guided start buttons offer."""
        with self.db.session() as session:
            _require_facilitator(session, team_id, actor_id)
            team = session.get(Team, team_id)
            assert team is not None
            today = local_date(self.clock.now(), team.zone)
            return earliest_start(today, self._members_today(session, team_id))

    def check_length(self, track_id: str, days: int) -> None:
        """Refuse an unknown track, or a length it cannot fill with a new lesson a day."""
        track = self.library.tracks.get(track_id)
        if track is None:
            raise ChallengeProblem("unknown_track")
        lessons = len(track.lesson_ids)
        if not valid_length(days, lessons):
            raise ChallengeTooLong(track.title, lessons, longest(lessons))

    def _members_today(self, session: Session, team_id: int) -> list[MemberToday]:
        """Each member's own date now, and whether that date's lesson was claimed."""
        now, members = self.clock.now(), []
        for _, learner in active_members(session, team_id):
            today = local_date(now, learner.zone or "UTC")
            served = delivery_on(session, learner.id, today) is not None
            members.append(MemberToday(today, served))
        return members

    def stop(self, actor_id: int, team_id: int) -> ChallengeView:
        """End the team's running or upcoming challenge early (members get the summary)."""
        with self.db.session() as session:
            _require_facilitator(session, team_id, actor_id)
            team = session.get(Team, team_id)
            assert team is not None
            challenge = self._ongoing(session, team_id, local_date(self.clock.now(), team.zone))
            if challenge is None:
                raise ChallengeProblem("no_challenge")
            challenge.stopped = True
            session.add(challenge)
            return self._view(challenge, team)

    def choose(self, learner_id: int, challenge_id: int) -> ChallengeView:
        """Make this running challenge the one that counts for a learner in several.

        The choice is kept until that challenge ends (or the learner chooses again).
        """
        with self.db.session() as session:
            challenge = session.get(Challenge, challenge_id)
            if challenge is None:
                raise ChallengeProblem("no_challenge")
            _require_member(session, challenge.team_id, learner_id)
            today = self._today_of(session, learner_id)
            if challenge.stopped or not is_running(challenge.start_date, challenge.days, today):
                raise ChallengeProblem("not_running")
            choice = session.get(ChallengeChoice, learner_id) or ChallengeChoice(
                learner_id=learner_id, challenge_id=challenge_id
            )
            choice.challenge_id = challenge_id
            session.add(choice)
            team = session.get(Team, challenge.team_id)
            # The type: ignore below: a challenge's team exists (foreign key).
            return self._view(challenge, team)  # type: ignore[arg-type]

    def board(self, viewer_id: int, team_id: int) -> BoardView | None:
        """The board of the team's latest challenge; members only."""
        with self.db.session() as session:
            _require_member(session, team_id, viewer_id)
            team = session.get(Team, team_id)
            challenge = latest_challenge(session, team_id)
            if team is None or challenge is None:
                return None
            today = local_date(self.clock.now(), team.zone)
            board = self._board(session, challenge, today)
            status = _status(challenge, today)
            return BoardView(
                self._view(challenge, team),
                status,
                board,
                self._ranking(session, challenge, team),
                self._yours(session, viewer_id, challenge),
            )

    def _yours(
        self, session: Session, viewer_id: int, challenge: Challenge
    ) -> YourCounting | None:
        """Which challenge counts for a viewer in several running ones (this one or not)."""
        decided = counting_challenge(session, viewer_id, self._today_of(session, viewer_id))
        if decided is None or not decided.alternatives:
            return None
        here = decided.challenge.id == challenge.id
        if not here and challenge.id not in {i for i, _ in decided.alternatives}:
            return None  # this board's challenge is not running
        return YourCounting(here, decided.team_name, id_of(challenge))

    def _today_of(self, session: Session, learner_id: int) -> date:
        """The learner's own date now."""
        learner = session.get(Learner, learner_id)
        return local_date(self.clock.now(), (learner.zone if learner else None) or "UTC")

    def stats(self, actor_id: int, team_id: int) -> StatsView | None:
        """Per-day completion and each consenting member's progress: facilitators only."""
        with self.db.session() as session:
            _require_facilitator(session, team_id, actor_id)
            team = session.get(Team, team_id)
            challenge = latest_challenge(session, team_id)
            if team is None or challenge is None:
                return None
            now = self.clock.now()
            index = day_index(challenge.start_date, local_date(now, team.zone))
            members = self._member_days(session, challenge)
            counts = daily_completion(challenge.days, index, [m for _, m in members])
            per_day = tuple(
                DayStats(i + 1, challenge_date(challenge.start_date, i), count.done, count.had)
                for i, count in enumerate(counts)
            )
            rows = tuple(
                MemberStats(
                    learner.first_name,
                    len(days.completed),
                    _current_streak(session, learner, now),
                    days.completed,
                    days.offered,
                )
                for learner, days in members
            )
            return StatsView(self._view(challenge, team), per_day, rows)

    def due_broadcasts(self) -> tuple[list[Broadcast], list[Broadcast]]:
        """Summaries of challenges that just ended, and group digests due now (marked sent)."""
        now = self.clock.now()
        summaries: list[Broadcast] = []
        digests: list[Broadcast] = []
        with self.db.session() as session:
            for challenge, team in challenges_awaiting_summary(session):
                local_now = now.astimezone(zone_info(team.zone))
                today = local_now.date()
                if challenge.stopped or day_index(challenge.start_date, today) >= challenge.days:
                    challenge.summary_sent = True
                    session.add(challenge)
                    summaries.append(self._broadcast(session, challenge, team, today, True))
                elif _digest_due(challenge, team, local_now):
                    challenge.last_digest_on = today
                    session.add(challenge)
                    digests.append(self._broadcast(session, challenge, team, today, False))
        return summaries, digests

    def _broadcast(
        self, session: Session, challenge: Challenge, team: Team, today: date, final: bool
    ) -> Broadcast:
        last_day = challenge_date(challenge.start_date, challenge.days - 1)
        index = min(day_index(challenge.start_date, today), challenge.days - 1)
        # A challenge stopped early ends today: the days after it never came, and counting
        # them as missed would break the team's streak to nothing in its summary.
        board = self._board(session, challenge, min(today, last_day) if final else today)
        chats = tuple(learner.chat_id for learner, _ in self._member_days(session, challenge))
        lesson_ids = self.library.tracks[challenge.track_id].lesson_ids
        lesson = self.library.lessons[lesson_ids[index % len(lesson_ids)]]
        return Broadcast(
            self._view(challenge, team),
            board,
            chats if final else (),
            team.group_chat_id,
            lesson.title,
        )

    def _board(self, session: Session, challenge: Challenge, today: date) -> Board:
        members = [m for _, m in self._member_days(session, challenge)]
        return build_board(challenge.days, day_index(challenge.start_date, today), members)

    def _member_days(
        self, session: Session, challenge: Challenge
    ) -> list[tuple[Learner, MemberDays]]:
        """Consenting members, the challenge days that reached each and those completed."""
        days = challenge_days(session, id_of(challenge))
        members = []
        for membership, learner in active_members(session, challenge.team_id):
            mine = days.get(learner.id, NO_DAYS)
            shown = _shown(learner, membership.show_name)
            members.append((learner, MemberDays(shown, mine.completed, mine.offered)))
        return members

    def _ranking(
        self, session: Session, challenge: Challenge, team: Team
    ) -> tuple[tuple[str, float], ...]:
        """Teams of the same organisation running the same track at the same time, by
        completion rate; a team outside any organisation is ranked against nobody, so no
        one can list other clinics."""
        if team.org_code is None:
            return ()
        ranked = []
        tracked = unstopped_challenges_on_track(session, challenge.track_id, team.org_code)
        for other, theirs in tracked:
            today = local_date(self.clock.now(), theirs.zone)
            if is_running(other.start_date, other.days, today) or other.id == challenge.id:
                ranked.append((theirs.name, self._board(session, other, today).completion_rate))
        if len(ranked) < 2:
            return ()
        return tuple(sorted(ranked, key=lambda item: -item[1]))

    def _ongoing(self, session: Session, team_id: int, today: date) -> Challenge | None:
        """A challenge that is running or has yet to start."""
        for challenge in unstopped_challenges(session, team_id):
            if day_index(challenge.start_date, today) < challenge.days:
                return challenge
        return None

    def _view(self, challenge: Challenge, team: Team, *, deferred: bool = False) -> ChallengeView:
        track = self.library.tracks.get(challenge.track_id)
        return ChallengeView(
            id_of(challenge),
            id_of(team),
            team.name,
            challenge.track_id,
            track.title if track else challenge.track_id,
            challenge.start_date,
            challenge.days,
            deferred,
        )


def _require_facilitator(session: Session, team_id: int, learner_id: int) -> None:
    if not is_facilitator(session, team_id, learner_id):
        raise ChallengeProblem("not_facilitator")


def _require_member(session: Session, team_id: int, learner_id: int) -> None:
    if not is_active_member(session, team_id, learner_id):
        raise ChallengeProblem("not_member")


def _current_streak(session: Session, learner: Learner, now: datetime) -> int:
    """The member's streak today, as /progress would show it."""
    days = scheduled_days(session, learner.id)
    return compute_streak(days, local_date(now, learner.zone or "UTC")).current


def _shown(learner: Learner, show_name: bool) -> str | None:
    """A first name for the board, only for members who opted in."""
    return (learner.first_name or "A member") if show_name else None


def _status(challenge: Challenge, today: date) -> str:
    index = day_index(challenge.start_date, today)
    if challenge.stopped or index >= challenge.days:
        return "finished"
    return "upcoming" if index < 0 else "running"


def _digest_due(challenge: Challenge, team: Team, local_now: datetime) -> bool:
    """Once a challenge day, in the evening of the team's zone, if a group is linked."""
    if team.group_chat_id is None:
        return False
    today = local_now.date()
    return (
        is_running(challenge.start_date, challenge.days, today)
        and local_now.time() >= DIGEST_AT
        and challenge.last_digest_on != today
    )
