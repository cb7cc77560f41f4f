"""Team challenges: start one, see the board, facilitator stats, summaries and digests.

During a challenge each member's daily lesson is the challenge's lesson for that day
(``counting_challenge`` is called by delivery), so the whole team is on the same lesson
on the same day, each at their own local time, and a late joiner starts where the team
is. Completion is read from deliveries, so nothing here can drift from what was sent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from bot.learning.challenges import (
    Board,
    MemberDays,
    build_board,
    challenge_date,
    daily_completion,
    day_index,
    is_running,
    valid_length,
)
from bot.learning.schedule import local_date, zone_info
from bot.services.base import Service
from bot.services.progress import streak_for
from bot.services.teams import TeamProblem, active_membership, require_facilitator
from bot.store.models import Challenge, ChallengeChoice, Delivery, Learner, Membership, Team

DIGEST_AT = time(20, 0)


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


@dataclass(frozen=True, slots=True)
class BoardView:
    """/team for one team: its challenge, the board, and how teams on the track rank."""

    challenge: ChallengeView
    status: str
    board: Board
    ranking: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class MemberStats:
    """One consenting member's row in /teamstats and the CSV."""

    first_name: str
    completed: int
    streak: int
    days: frozenset[int]


@dataclass(frozen=True, slots=True)
class StatsView:
    """/teamstats: per-day completion and per-member progress."""

    challenge: ChallengeView
    per_day: tuple[tuple[int, date, int], ...]
    members: tuple[MemberStats, ...]


@dataclass(frozen=True, slots=True)
class Broadcast:
    """A summary or digest to post: to members' private chats and/or the team's group."""

    challenge: ChallengeView
    board: Board
    member_chats: tuple[int, ...]
    group_chat_id: int | None
    lesson_title: str | None = None


@dataclass(frozen=True, slots=True)
class Counting:
    """The challenge that sets a learner's lesson today, and the others they could count."""

    challenge: Challenge
    index: int
    team_name: str
    alternatives: tuple[tuple[int, str], ...]
    chosen: bool


def counting_challenge(session: Session, learner_id: int, today: date) -> Counting | None:
    """Which running challenge (if any) decides this learner's lesson on ``today``."""
    rows = session.exec(
        select(Challenge, Team.name)
        .join(Team, col(Team.id) == Challenge.team_id)
        .join(Membership, col(Membership.team_id) == Challenge.team_id)
        .where(
            Membership.learner_id == learner_id,
            Membership.state == "active",
            col(Challenge.stopped).is_(False),
        )
    ).all()
    running = sorted(
        ((c, name) for c, name in rows if is_running(c.start_date, c.days, today)),
        key=lambda row: (row[0].start_date, row[0].id),
    )
    if not running:
        return None
    choice = session.get(ChallengeChoice, learner_id)
    chosen = next((row for row in running if choice and row[0].id == choice.challenge_id), None)
    challenge, team_name = chosen or running[0]
    others = tuple(
        (c.id, name) for c, name in running if c.id is not None and c.id != challenge.id
    )
    return Counting(
        challenge, day_index(challenge.start_date, today), team_name, others, chosen is not None
    )


class Challenges(Service):
    """Starting challenges and reporting on them."""

    def start(
        self, actor_id: int, team_id: int, track_id: str, days: int, start: date | None
    ) -> ChallengeView:
        """Start (or schedule) a challenge; one at a time per team."""
        with self.db.session() as session:
            require_facilitator(session, team_id, actor_id)
            team = session.get(Team, team_id)
            assert team is not None
            today = local_date(self.clock.now(), team.zone)
            start = start or today
            if track_id not in self.library.tracks:
                raise TeamProblem("unknown_track")
            if not valid_length(days):
                raise TeamProblem("bad_length")
            if start < today:
                raise TeamProblem("past_start")
            if self._ongoing(session, team_id, today) is not None:
                raise TeamProblem("challenge_running")
            challenge = Challenge(
                team_id=team_id,
                track_id=track_id,
                start_date=start,
                days=days,
                created_at=self.clock.now(),
            )
            session.add(challenge)
            session.flush()
            return self._view(challenge, team)

    def stop(self, actor_id: int, team_id: int) -> ChallengeView:
        """End the team's running or upcoming challenge early (members get the summary)."""
        with self.db.session() as session:
            require_facilitator(session, team_id, actor_id)
            team = session.get(Team, team_id)
            assert team is not None
            challenge = self._ongoing(session, team_id, local_date(self.clock.now(), team.zone))
            if challenge is None:
                raise TeamProblem("no_challenge")
            challenge.stopped = True
            session.add(challenge)
            return self._view(challenge, team)

    def choose(self, learner_id: int, challenge_id: int) -> ChallengeView:
        """Make this challenge the one that counts for a learner in several."""
        with self.db.session() as session:
            challenge = session.get(Challenge, challenge_id)
            if challenge is None:
                raise TeamProblem("no_challenge")
            active_membership(session, challenge.team_id, learner_id)
            choice = session.get(ChallengeChoice, learner_id) or ChallengeChoice(
                learner_id=learner_id, challenge_id=challenge_id
            )
            choice.challenge_id = challenge_id
            session.add(choice)
            team = session.get(Team, challenge.team_id)
            return self._view(challenge, team)  # type: ignore[arg-type]

    def board(self, viewer_id: int, team_id: int) -> BoardView | None:
        """The board of the team's latest challenge; members only."""
        with self.db.session() as session:
            active_membership(session, team_id, viewer_id)
            team = session.get(Team, team_id)
            challenge = self._latest(session, team_id)
            if team is None or challenge is None:
                return None
            today = local_date(self.clock.now(), team.zone)
            board = self._board(session, challenge, today)
            status = _status(challenge, today)
            return BoardView(
                self._view(challenge, team), status, board, self._ranking(session, challenge)
            )

    def stats(self, actor_id: int, team_id: int) -> StatsView | None:
        """Per-day completion and each consenting member's progress: facilitators only."""
        with self.db.session() as session:
            require_facilitator(session, team_id, actor_id)
            team = session.get(Team, team_id)
            challenge = self._latest(session, team_id)
            if team is None or challenge is None:
                return None
            now = self.clock.now()
            index = day_index(challenge.start_date, local_date(now, team.zone))
            members = self._member_days(session, challenge)
            counts = daily_completion(challenge.days, index, [m for _, m in members])
            per_day = tuple(
                (i + 1, challenge_date(challenge.start_date, i), n) for i, n in enumerate(counts)
            )
            rows = tuple(
                MemberStats(
                    learner.first_name,
                    len(days.completed),
                    streak_for(session, learner, now).current,
                    days.completed,
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
            open_ones = session.exec(
                select(Challenge, Team)
                .join(Team, col(Team.id) == Challenge.team_id)
                .where(col(Challenge.summary_sent).is_(False))
            ).all()
            for challenge, team in open_ones:
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
        board = self._board(session, challenge, last_day if final else today)
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
        """Consenting members and the challenge days each completed."""
        done: dict[int, set[int]] = defaultdict(set)
        for learner_id, day in session.exec(
            select(Delivery.learner_id, Delivery.challenge_day).where(
                Delivery.challenge_id == challenge.id, col(Delivery.completed_at).is_not(None)
            )
        ).all():
            if day is not None:
                done[learner_id].add(day)
        members = session.exec(
            select(Learner, Membership.show_name)
            .join(Membership)
            .where(Membership.team_id == challenge.team_id, Membership.state == "active")
            .order_by(col(Membership.id))
        ).all()
        return [
            (
                learner,
                MemberDays(_shown(learner, show), frozenset(done[learner.id])),
            )
            for learner, show in members
        ]

    def _ranking(self, session: Session, challenge: Challenge) -> tuple[tuple[str, float], ...]:
        """Teams running the same track at the same time, by completion rate."""
        rows = session.exec(
            select(Challenge, Team)
            .join(Team, col(Team.id) == Challenge.team_id)
            .where(Challenge.track_id == challenge.track_id, col(Challenge.stopped).is_(False))
        ).all()
        ranked = []
        for other, team in rows:
            today = local_date(self.clock.now(), team.zone)
            if is_running(other.start_date, other.days, today) or other.id == challenge.id:
                ranked.append((team.name, self._board(session, other, today).completion_rate))
        if len(ranked) < 2:
            return ()
        return tuple(sorted(ranked, key=lambda item: -item[1]))

    def _latest(self, session: Session, team_id: int) -> Challenge | None:
        query = (
            select(Challenge)
            .where(Challenge.team_id == team_id)
            .order_by(col(Challenge.id).desc())
        )
        return session.exec(query).first()

    def _ongoing(self, session: Session, team_id: int, today: date) -> Challenge | None:
        """A challenge that is running or has yet to start."""
        query = select(Challenge).where(
            Challenge.team_id == team_id, col(Challenge.stopped).is_(False)
        )
        for challenge in session.exec(query).all():
            if day_index(challenge.start_date, today) < challenge.days:
                return challenge
        return None

    def _view(self, challenge: Challenge, team: Team) -> ChallengeView:
        track = self.library.tracks.get(challenge.track_id)
        return ChallengeView(
            challenge.id,  # type: ignore[arg-type]
            team.id,  # type: ignore[arg-type]
            team.name,
            challenge.track_id,
            track.title if track else challenge.track_id,
            challenge.start_date,
            challenge.days,
        )


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
