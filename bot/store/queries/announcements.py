"""Announcements and their recipients' delivery rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, or_, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from bot.store.models import Announcement, AnnouncementDelivery, Learner

# What counts towards the daily cap: it went out, or is about to.
RELEASED = ("scheduled", "sending", "sent")


def announcements_due(session: Session, now: datetime) -> Sequence[Announcement]:
    """Scheduled announcements whose time has come."""
    return session.exec(
        select(Announcement).where(
            Announcement.state == "scheduled", col(Announcement.scheduled_at) <= now
        )
    ).all()


def sending_announcement_ids(session: Session) -> list[int]:
    """Announcements whose fan-out is under way."""
    ids = session.exec(select(Announcement.id).where(Announcement.state == "sending")).all()
    return [int(i) for i in ids if i is not None]


def scheduled_announcements(
    session: Session, team_ids: list[int], everyone: bool
) -> Sequence[Announcement]:
    """Every scheduled announcement to ``team_ids`` (and to everyone), soonest first."""
    query = select(Announcement).where(
        Announcement.state == "scheduled", _audiences(team_ids, everyone)
    )
    return session.exec(query.order_by(col(Announcement.scheduled_at))).all()


def recent_announcements(
    session: Session, team_ids: list[int], everyone: bool, limit: int = 10
) -> Sequence[Announcement]:
    """The newest announcements to ``team_ids`` (and to everyone) that went out or were
    held back."""
    query = select(Announcement).where(
        col(Announcement.state).in_(("sending", "sent", "held")), _audiences(team_ids, everyone)
    )
    return session.exec(query.order_by(col(Announcement.id).desc()).limit(limit)).all()


def _audiences(team_ids: list[int], everyone: bool) -> ColumnElement[bool]:
    team = col(Announcement.team_id)
    return or_(team.in_(team_ids), team.is_(None) if everyone else false())


def out_times(session: Session, team_id: int | None, since: datetime) -> list[datetime]:
    """When each announcement to a team (``None``: to everyone) that went out or is
    scheduled after ``since`` goes (or went) out."""
    team = col(Announcement.team_id)
    audience = team.is_(None) if team_id is None else team == team_id
    at = func.coalesce(col(Announcement.scheduled_at), col(Announcement.created_at))
    query = select(Announcement).where(audience, col(Announcement.state).in_(RELEASED), at > since)
    return [a.scheduled_at or a.created_at for a in session.exec(query)]


def recipients_in_state(
    session: Session, announcement_id: int, state: str
) -> Sequence[AnnouncementDelivery]:
    """The announcement's delivery rows that are in ``state``."""
    return session.exec(
        select(AnnouncementDelivery).where(
            AnnouncementDelivery.announcement_id == announcement_id,
            AnnouncementDelivery.state == state,
        )
    ).all()


def pending_recipients(
    session: Session, announcement_id: int, limit: int
) -> Sequence[tuple[AnnouncementDelivery, Learner]]:
    """Up to ``limit`` delivery rows still waiting to be sent, with their learners."""
    query = _recipients(announcement_id).where(AnnouncementDelivery.state == "pending")
    return session.exec(query.limit(limit)).all()


def all_recipients(
    session: Session, announcement_id: int
) -> Sequence[tuple[AnnouncementDelivery, Learner]]:
    """Every delivery row of the announcement, with its learner."""
    return session.exec(_recipients(announcement_id)).all()


def _recipients(announcement_id: int) -> Select[AnnouncementDelivery, Learner]:
    return (
        select(AnnouncementDelivery, Learner)
        .join(Learner, col(Learner.id) == AnnouncementDelivery.learner_id)
        .where(AnnouncementDelivery.announcement_id == announcement_id)
        .order_by(col(AnnouncementDelivery.id))  # PostgreSQL keeps no order without it
    )


def mark_sending(session: Session, delivery_ids: list[int]) -> None:
    """These delivery rows' requests are leaving now."""
    session.exec(
        update(AnnouncementDelivery)
        .where(col(AnnouncementDelivery.id).in_(delivery_ids))
        .values(state="sending")
    )


def recipient_counts(session: Session, announcement_id: int) -> dict[str, int]:
    """How many of the announcement's delivery rows are in each state."""
    rows = session.exec(
        select(AnnouncementDelivery.state, func.count())
        .where(AnnouncementDelivery.announcement_id == announcement_id)
        .group_by(AnnouncementDelivery.state)
    ).all()
    return dict(rows)
