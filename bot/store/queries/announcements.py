"""Announcements and their recipients' delivery rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, or_, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from bot.store.models import Announcement, AnnouncementDelivery, Learner
from bot.store.queries.leases import abandoned

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


def claim_fan_out(session: Session, announcement_id: int, worker: str, now: datetime) -> bool:
    """Make ``worker`` the one sending the announcement, unless a live worker is.

    One conditional UPDATE: of two workers claiming at once, one wins.
    """
    result = session.exec(
        update(Announcement)
        .where(
            col(Announcement.id) == announcement_id,
            col(Announcement.state) == "sending",
            abandoned(col(Announcement.sender), worker, now),
        )
        .values(sender=worker)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def release_fan_out(session: Session, announcement_id: int, worker: str) -> None:
    """``worker`` stopped fanning the announcement out; the sender's next tick resumes it."""
    session.exec(
        update(Announcement)
        .where(col(Announcement.id) == announcement_id, col(Announcement.sender) == worker)
        .values(sender=None)
        .execution_options(synchronize_session=False)
    )


def leave_scheduled(session: Session, announcement_id: int, state: str | None) -> bool:
    """Move a scheduled announcement on to ``state`` (``None``: sending); ``False`` if
    another worker already did."""
    result = session.exec(
        update(Announcement)
        .where(col(Announcement.id) == announcement_id, col(Announcement.state) == "scheduled")
        .values(state=state or "sending")
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def mark_sending(session: Session, delivery_ids: list[int], worker: str) -> set[int]:
    """These delivery rows' requests are leaving now: those not settled whose fan-out
    ``worker`` runs. Returns the ids marked; any other must not be sent."""
    mine = select(Announcement.id).where(col(Announcement.sender) == worker)
    marked = session.connection().execute(
        update(AnnouncementDelivery)
        .where(
            col(AnnouncementDelivery.id).in_(delivery_ids),
            # "sending" already: the rate limiter retries a request after flood control
            col(AnnouncementDelivery.state).in_(("pending", "sending")),
            col(AnnouncementDelivery.announcement_id).in_(mine),
        )
        .values(state="sending")
        .returning(col(AnnouncementDelivery.id))
    )
    return {row_id for (row_id,) in marked if row_id is not None}


def recipient_counts(session: Session, announcement_id: int) -> dict[str, int]:
    """How many of the announcement's delivery rows are in each state."""
    rows = session.exec(
        select(AnnouncementDelivery.state, func.count())
        .where(AnnouncementDelivery.announcement_id == announcement_id)
        .group_by(AnnouncementDelivery.state)
    ).all()
    return dict(rows)


def leave_draft(session: Session, announcement_id: int, state: str, at: datetime) -> bool:
    """Move a draft to ``state`` (``sending`` or ``scheduled``) at ``at``; ``False`` if it
    is no longer a draft. One conditional UPDATE, so of two taps of "Send now" that reach
    two workers at once, only one moves it on, on SQLite and PostgreSQL alike."""
    result = session.exec(
        update(Announcement)
        .where(col(Announcement.id) == announcement_id, col(Announcement.state) == "draft")
        .values(state=state, scheduled_at=at)
    )
    return bool(result.rowcount == 1)
