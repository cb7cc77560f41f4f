"""Team challenges, and which of their days each member completed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bot.learning.challenges import counting, day_index, is_running
from bot.store.models import Challenge, ChallengeChoice, Delivery, Membership, Team


def latest_challenge(session: Session, team_id: int) -> Challenge | None:
    """The team's most recently created challenge, whatever its state."""
    query = (
        select(Challenge).where(Challenge.team_id == team_id).order_by(col(Challenge.id).desc())
    )
    return session.exec(query).first()


def unstopped_challenges(session: Session, team_id: int) -> Sequence[Challenge]:
    """The team's challenges that were not stopped early (past, running or upcoming)."""
    query = select(Challenge).where(
        Challenge.team_id == team_id, col(Challenge.stopped).is_(False)
    )
    return session.exec(query).all()


def unstopped_challenges_on_track(
    session: Session, track_id: str, org_code: str
) -> Sequence[tuple[Challenge, Team]]:
    """The challenges on ``track_id`` of the organisation's teams that were not stopped
    early, with their teams."""
    return session.exec(
        select(Challenge, Team)
        .join(Team, col(Team.id) == Challenge.team_id)
        .where(
            Challenge.track_id == track_id,
            col(Challenge.stopped).is_(False),
            Team.org_code == org_code,
        )
    ).all()


def challenges_awaiting_summary(session: Session) -> Sequence[tuple[Challenge, Team]]:
    """Challenges whose end-of-challenge summary has not been sent, with their teams."""
    return session.exec(
        select(Challenge, Team)
        .join(Team, col(Team.id) == Challenge.team_id)
        .where(col(Challenge.summary_sent).is_(False))
        .order_by(col(Challenge.id))
    ).all()


def unstopped_challenges_of(session: Session, learner_id: int) -> Sequence[tuple[Challenge, str]]:
    """The challenges of the learner's teams not stopped early, with each team's name."""
    return session.exec(
        select(Challenge, Team.name)
        .join(Team, col(Team.id) == Challenge.team_id)
        .join(Membership, col(Membership.team_id) == Challenge.team_id)
        .where(
            Membership.learner_id == learner_id,
            Membership.state == "active",
            col(Challenge.stopped).is_(False),
        )
        .order_by(col(Challenge.id))
    ).all()


def learners_in_challenges(session: Session, learner_ids: list[int]) -> set[int]:
    """Those of ``learner_ids`` in a team with a challenge not stopped (running or not)."""
    rows = session.exec(
        select(Membership.learner_id)
        .join(Challenge, col(Challenge.team_id) == Membership.team_id)
        .where(
            col(Membership.learner_id).in_(learner_ids),
            Membership.state == "active",
            col(Challenge.stopped).is_(False),
        )
        .distinct()
    ).all()
    return set(rows)


@dataclass(frozen=True, slots=True)
class ChallengeDays:
    """One member's challenge days (0-based): those whose lesson reached them, and those
    they completed."""

    offered: frozenset[int]
    completed: frozenset[int]


def challenge_days(session: Session, challenge_id: int) -> dict[int, ChallengeDays]:
    """For each learner, the challenge days whose lesson was sent and those completed.

    A lesson was sent once its first part went out (a claim that failed before, or a
    learner who blocked the bot, did not reach anyone).
    """
    offered: dict[int, set[int]] = defaultdict(set)
    completed: dict[int, set[int]] = defaultdict(set)
    for learner_id, day, parts_sent, completed_at in session.exec(
        select(
            Delivery.learner_id, Delivery.challenge_day, Delivery.parts_sent, Delivery.completed_at
        ).where(Delivery.challenge_id == challenge_id)
    ).all():
        if day is None:
            continue
        if parts_sent > 0 or completed_at is not None:
            offered[learner_id].add(day)
        if completed_at is not None:
            completed[learner_id].add(day)
    return {
        learner_id: ChallengeDays(frozenset(days), frozenset(completed[learner_id]))
        for learner_id, days in offered.items()
    }


@dataclass(frozen=True, slots=True)
class CountingChallenge:
    """The running challenge that sets a learner's lesson today, and the others they are
    in (``(id, team name)``); ``ask`` when they should be asked which one counts."""

    challenge: Challenge
    index: int
    team_name: str
    alternatives: tuple[tuple[int, str], ...]
    chosen: bool
    ask: bool


def counting_challenge(session: Session, learner_id: int, today: date) -> CountingChallenge | None:
    """Which running challenge (if any) decides this learner's lesson on ``today``: the
    one they chose while it runs, otherwise the one that started first."""
    running = {
        challenge.id: (challenge, name)
        for challenge, name in unstopped_challenges_of(session, learner_id)
        if challenge.id is not None and is_running(challenge.start_date, challenge.days, today)
    }
    choice = session.get(ChallengeChoice, learner_id)
    decided = counting(
        [(i, challenge.start_date) for i, (challenge, _) in running.items()],
        choice.challenge_id if choice else None,
        today,
    )
    if decided is None:
        return None
    challenge, name = running[decided.challenge_id]
    return CountingChallenge(
        challenge,
        day_index(challenge.start_date, today),
        name,
        tuple((i, running[i][1]) for i in decided.alternatives),
        decided.chosen,
        decided.ask,
    )
