"""Team challenges, and which of their days each member completed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from bot.store.models import Challenge, Delivery, Membership, Team


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


def completed_challenge_days(session: Session, challenge_id: int) -> dict[int, set[int]]:
    """For each learner, the challenge days (0-based) whose lesson they completed."""
    done: dict[int, set[int]] = defaultdict(set)
    for learner_id, day in session.exec(
        select(Delivery.learner_id, Delivery.challenge_day).where(
            Delivery.challenge_id == challenge_id, col(Delivery.completed_at).is_not(None)
        )
    ).all():
        if day is not None:
            done[learner_id].add(day)
    return done
