"""Teams and memberships: codes, who belongs, who facilitates."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.store.models import (
    Announcement,
    AnnouncementDelivery,
    Challenge,
    ChallengeChoice,
    Delivery,
    Learner,
    Membership,
    Team,
)


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


def active_members(
    session: Session, team_id: int, offset: int = 0, limit: int | None = None
) -> Sequence[tuple[Membership, Learner]]:
    """The team's active members with their learners, in the order they joined (all of
    them, or ``limit`` from ``offset`` on)."""
    return session.exec(
        select(Membership, Learner)
        .join(Learner)
        .where(Membership.team_id == team_id, Membership.state == "active")
        .order_by(col(Membership.id))
        .offset(offset)
        .limit(limit)
    ).all()


def active_member_ids(session: Session, team_id: int) -> list[int]:
    """The learner ids of the team's active members."""
    query = select(Membership.learner_id).where(
        Membership.team_id == team_id, Membership.state == "active"
    )
    return [int(i) for i in session.exec(query)]


def active_member_count(session: Session, team_id: int) -> int:
    """How many active members the team has."""
    return _active_places(session, Membership.team_id == team_id)


def active_team_count(session: Session, learner_id: int) -> int:
    """How many teams the learner is an active member of (facilitated ones included)."""
    return _active_places(session, Membership.learner_id == learner_id)


def facilitator_count(session: Session, team_id: int) -> int:
    """How many active facilitators the team has."""
    return _active_places(session, Membership.team_id == team_id, Membership.role == "facilitator")


def _active_places(session: Session, *conditions: ColumnElement[bool] | bool) -> int:
    """How many active memberships meet ``conditions``."""
    query = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.state == "active", *conditions)
    )
    return int(session.exec(query).one())


def sole_facilitations(session: Session, learner_id: int) -> list[tuple[int, str, int]]:
    """The teams the learner is the only facilitator of: id, name, and how many other
    active members each has (0: the learner is alone in it)."""
    return [
        (team_id, name, active_member_count(session, team_id) - 1)
        for team_id, name in facilitated_teams(session, learner_id)
        if facilitator_count(session, team_id) == 1
    ]


def close_pending_joins(session: Session, team_id: int) -> None:
    """Forget every join to the team still awaiting its consent tap."""
    session.execute(
        delete(Membership).where(
            col(Membership.team_id) == team_id, col(Membership.state) == "pending"
        )
    )


def delete_team(session: Session, team_id: int) -> None:
    """Delete the team and all of it: memberships and pending joins, its code, challenges
    and announcements. Members' own lessons stay theirs; they only lose the link to the
    team's challenges."""
    challenges = select(Challenge.id).where(Challenge.team_id == team_id)
    announcements = select(Announcement.id).where(Announcement.team_id == team_id)
    session.execute(
        update(Delivery)
        .where(col(Delivery.challenge_id).in_(challenges))
        .values(challenge_id=None, challenge_day=None)
    )
    session.execute(
        delete(ChallengeChoice).where(col(ChallengeChoice.challenge_id).in_(challenges))
    )
    session.execute(delete(Challenge).where(col(Challenge.team_id) == team_id))
    session.execute(
        delete(AnnouncementDelivery).where(
            col(AnnouncementDelivery.announcement_id).in_(announcements)
        )
    )
    session.execute(delete(Announcement).where(col(Announcement.team_id) == team_id))
    session.execute(delete(Membership).where(col(Membership.team_id) == team_id))
    session.execute(delete(Team).where(col(Team.id) == team_id))


def org_code_taken(session: Session, code: str) -> bool:
    """Whether some team already belongs to the organisation ``code``."""
    return session.exec(select(Team.id).where(Team.org_code == code)).first() is not None


def teams_in_org(session: Session, code: str) -> list[tuple[int, str]]:
    """Ids and names of the teams in the organisation ``code``, oldest first."""
    rows = session.exec(
        select(Team.id, Team.name).where(Team.org_code == code).order_by(col(Team.id))
    ).all()
    # The type: ignore below: SQLModel types the selected id as optional.
    return [(int(tid), name) for tid, name in rows]  # type: ignore[arg-type]


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
    # The type: ignore below: SQLModel types the selected id as optional.
    return [(int(tid), name) for tid, name in rows]  # type: ignore[arg-type]
