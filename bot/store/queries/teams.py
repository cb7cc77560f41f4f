"""Teams and memberships: codes, who belongs, who facilitates."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.store.models import Learner, Membership, Team


def join_code_taken(session: Session, code: str) -> bool:
    """Whether some team already has ``code``."""
    return session.exec(select(Team.id).where(Team.join_code == code)).first() is not None


def team_by_code(session: Session, code: str) -> Team | None:
    """The team whose join code is ``code`` (already normalised)."""
    return session.exec(select(Team).where(Team.join_code == code)).first()


def membership_of(session: Session, team_id: int, learner_id: int) -> Membership | None:
    """The learner's place in the team, in whatever state (pending, active)."""
    query = select(Membership).where(
        Membership.team_id == team_id, Membership.learner_id == learner_id
    )
    return session.exec(query).first()


def is_active_member(session: Session, team_id: int, learner_id: int) -> bool:
    """Whether the learner has joined the team (consented) and not left."""
    return session.exec(_active_place(team_id, learner_id)).first() is not None


def is_facilitator(session: Session, team_id: int, learner_id: int) -> bool:
    """Whether the learner is an active facilitator of the team."""
    query = _active_place(team_id, learner_id).where(Membership.role == "facilitator")
    return session.exec(query).first() is not None


def _active_place(team_id: int, learner_id: int) -> SelectOfScalar[int | None]:
    return select(col(Membership.id)).where(
        Membership.team_id == team_id,
        Membership.learner_id == learner_id,
        Membership.state == "active",
    )


def active_members(session: Session, team_id: int) -> Sequence[tuple[Membership, Learner]]:
    """The team's active members with their learners, in the order they joined."""
    return session.exec(
        select(Membership, Learner)
        .join(Learner)
        .where(Membership.team_id == team_id, Membership.state == "active")
        .order_by(col(Membership.id))
    ).all()


def active_member_ids(session: Session, team_id: int) -> list[int]:
    """The learner ids of the team's active members."""
    query = select(Membership.learner_id).where(
        Membership.team_id == team_id, Membership.state == "active"
    )
    return [int(i) for i in session.exec(query)]


def active_member_count(session: Session, team_id: int) -> int:
    """How many active members the team has."""
    query = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.team_id == team_id, Membership.state == "active")
    )
    return int(session.exec(query).one())


def teams_joined(session: Session, learner_id: int) -> Sequence[tuple[Team, str]]:
    """The teams the learner is an active member of, oldest first, with their role."""
    return session.exec(
        select(Team, Membership.role)
        .join(Membership)
        .where(Membership.learner_id == learner_id, Membership.state == "active")
        .order_by(col(Team.id))
    ).all()


def facilitated_teams(session: Session, learner_id: int) -> list[tuple[int, str]]:
    """Ids and names of the teams the learner facilitates, oldest first."""
    rows = session.exec(
        select(Team.id, Team.name)
        .join(Membership)
        .where(
            Membership.learner_id == learner_id,
            Membership.state == "active",
            Membership.role == "facilitator",
        )
        .order_by(col(Team.id))
    ).all()
    return [(int(tid), name) for tid, name in rows]  # type: ignore[arg-type]
