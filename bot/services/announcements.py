"""Announcements: draft, send now or schedule, fan out once to each recipient, report.

Recipients get one row each, fixed when sending starts. A row is claimed (``sending``)
before its message goes out and settled right after. After a crash a row still marked
``sending`` is ambiguous: Telegram may or may not have delivered it, and it offers no
way to ask. We never resend such a row, so nobody gets a copy twice; the author's report
names it instead. Everything else resumes where it stopped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.content.model import Library
from bot.services.base import Service
from bot.services.teams import TeamProblem, require_facilitator
from bot.store.engine import Database
from bot.store.models import Announcement, AnnouncementDelivery, Learner, Membership, Team

EVERYONE = 0
MAX_FILE_BYTES = 50 * 1024 * 1024
INTERRUPTED = "sending was interrupted; it may not have arrived"


@dataclass(frozen=True, slots=True)
class Content:
    """What the author sent, as Telegram gave it."""

    kind: str
    text: str
    entities: tuple[dict[str, Any], ...] = ()
    file_id: str | None = None


@dataclass(frozen=True, slots=True)
class AnnouncementView:
    """An announcement as its author sees it."""

    id: int
    audience: str
    state: str
    scheduled_at: datetime | None
    created_at: datetime
    content: Content
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Report:
    """Sent to the author when a fan-out finishes."""

    view: AnnouncementView
    author_chat: int
    delivered: int
    total: int
    unreachable: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Recipient:
    """One claimed delivery to send."""

    delivery_id: int
    learner_id: int
    chat_id: int


class Announcements(Service):
    """Facilitators reach their teams; operators reach everyone."""

    def __init__(
        self,
        db: Database,
        library: Library,
        clock: Clock,
        *,
        admins: frozenset[int] = frozenset(),
        daily_cap: int = 3,
    ) -> None:
        super().__init__(db, library, clock)
        self.admins = admins
        self.daily_cap = daily_cap

    def audiences(self, learner_id: int) -> list[tuple[int, str]]:
        """Teams the learner may announce to, and ``EVERYONE`` for operators."""
        with self.db.session() as session:
            teams = session.exec(
                select(Team.id, Team.name)
                .join(Membership)
                .where(
                    Membership.learner_id == learner_id,
                    Membership.state == "active",
                    Membership.role == "facilitator",
                )
                .order_by(col(Team.id))
            ).all()
        found = [(int(tid), name) for tid, name in teams]  # type: ignore[arg-type]
        if learner_id in self.admins:
            found.append((EVERYONE, ""))
        return found

    def draft(self, learner_id: int, audience: int, content: Content) -> AnnouncementView:
        """Keep the author's message as a draft to preview."""
        with self.db.session() as session:
            self._require_audience(session, learner_id, audience)
            announcement = Announcement(
                learner_id=learner_id,
                team_id=audience or None,
                kind=content.kind,
                text=content.text,
                entities=json.dumps(list(content.entities)),
                file_id=content.file_id,
                created_at=self.clock.now(),
            )
            session.add(announcement)
            session.flush()
            return self._view(session, announcement)

    def check_draft(self, learner_id: int, announcement_id: int) -> None:
        """Refuse unless this is the learner's own draft and they may still send it."""
        with self.db.session() as session:
            if self._own(session, learner_id, announcement_id).state != "draft":
                raise TeamProblem("not_draft")

    def send_now(self, learner_id: int, announcement_id: int) -> AnnouncementView:
        """Start the fan-out at once."""
        return self._release(learner_id, announcement_id, None)

    def schedule(self, learner_id: int, announcement_id: int, at: datetime) -> AnnouncementView:
        """Members receive it at ``at`` (an instant in the future)."""
        if at <= self.clock.now():
            raise TeamProblem("past_time")
        return self._release(learner_id, announcement_id, at)

    def cancel(self, learner_id: int, announcement_id: int) -> AnnouncementView:
        """Drop a draft or a scheduled announcement; one already sending cannot be recalled."""
        with self.db.session() as session:
            announcement = self._own(session, learner_id, announcement_id)
            if announcement.state == "cancelled":
                raise TeamProblem("already_cancelled")
            if announcement.state not in ("draft", "scheduled"):
                raise TeamProblem("not_cancellable")
            announcement.state = "cancelled"
            session.add(announcement)
            return self._view(session, announcement)

    def listing(self, learner_id: int) -> list[AnnouncementView]:
        """Scheduled and recent announcements for the author's audiences."""
        audiences = [team for team, _ in self.audiences(learner_id)]
        with self.db.session() as session:
            query = select(Announcement).where(
                col(Announcement.state).in_(("scheduled", "sending", "sent")),
                col(Announcement.team_id).in_([a for a in audiences if a])
                | (col(Announcement.learner_id) == learner_id),
            )
            rows = session.exec(query.order_by(col(Announcement.id).desc()).limit(10)).all()
            return [self._view(session, a) for a in rows]

    def due(self) -> list[int]:
        """Announcements to fan out now: scheduled ones whose time has come, and any
        fan-out that is still under way (after a restart, say)."""
        now = self.clock.now()
        with self.db.session() as session:
            ready = session.exec(
                select(Announcement).where(
                    Announcement.state == "scheduled", col(Announcement.scheduled_at) <= now
                )
            ).all()
            for announcement in ready:
                self._start(session, announcement)
            sending = session.exec(
                select(Announcement.id).where(Announcement.state == "sending")
            ).all()
            return [int(i) for i in sending if i is not None]

    def settle_interrupted(self, announcement_id: int) -> None:
        """Rows left ``sending`` by a crash: never resent, reported as uncertain."""
        with self.db.session() as session:
            rows = session.exec(
                select(AnnouncementDelivery).where(
                    AnnouncementDelivery.announcement_id == announcement_id,
                    AnnouncementDelivery.state == "sending",
                )
            ).all()
            for row in rows:
                row.state, row.reason = "failed", INTERRUPTED
                session.add(row)

    def claim(self, announcement_id: int, limit: int) -> list[Recipient]:
        """Up to ``limit`` pending recipients; leavers are skipped.

        Rows stay ``pending`` until ``mark_sending``, just before each request leaves:
        a crash before that only delays them, it never costs a member the message.
        """
        with self.db.session() as session:
            announcement = session.get(Announcement, announcement_id)
            if announcement is None:
                return []
            rows = session.exec(
                select(AnnouncementDelivery, Learner)
                .join(Learner, col(Learner.id) == AnnouncementDelivery.learner_id)
                .where(
                    AnnouncementDelivery.announcement_id == announcement_id,
                    AnnouncementDelivery.state == "pending",
                )
                .limit(limit)
            ).all()
            claimed = []
            for row, learner in rows:
                if announcement.team_id and not _is_member(
                    session, announcement.team_id, learner.id
                ):
                    row.state, row.reason = "failed", "left the team"
                else:
                    claimed.append(Recipient(row.id, learner.id, learner.chat_id))  # type: ignore[arg-type]
                session.add(row)
            return claimed

    def mark_sending(self, delivery_ids: list[int]) -> None:
        """These requests are leaving now; if a crash interrupts them, they may have arrived."""
        with self.db.session() as session:
            session.execute(
                update(AnnouncementDelivery)
                .where(col(AnnouncementDelivery.id).in_(delivery_ids))
                .values(state="sending")
            )

    def settle(self, delivery_id: int, state: str, reason: str | None = None) -> None:
        """Record how one delivery ended: sent, failed, blocked, or pending to retry."""
        with self.db.session() as session:
            row = session.get(AnnouncementDelivery, delivery_id)
            if row is not None:
                row.state, row.reason = state, reason
                session.add(row)

    def content(self, announcement_id: int) -> tuple[Content, str] | None:
        """The content and the header name ("" for an operator's notice to everyone)."""
        with self.db.session() as session:
            announcement = session.get(Announcement, announcement_id)
            if announcement is None:
                return None
            return _content(announcement), self._audience_name(session, announcement)

    def finish_if_done(self, announcement_id: int) -> Report | None:
        """Close the fan-out once every row is settled, and build the author's report."""
        with self.db.session() as session:
            announcement = session.get(Announcement, announcement_id)
            if announcement is None or announcement.state != "sending":
                return None
            rows = session.exec(
                select(AnnouncementDelivery, Learner)
                .join(Learner, col(Learner.id) == AnnouncementDelivery.learner_id)
                .where(AnnouncementDelivery.announcement_id == announcement_id)
            ).all()
            if any(row.state in ("pending", "sending") for row, _ in rows):
                return None
            announcement.state, announcement.finished_at = "sent", self.clock.now()
            session.add(announcement)
            author = session.get(Learner, announcement.learner_id)
            unreachable = tuple(
                (learner.first_name or "A member", row.reason or row.state)
                for row, learner in rows
                if row.state != "sent"
            )
            delivered = sum(row.state == "sent" for row, _ in rows)
            view = self._view(session, announcement)
            return Report(view, author.chat_id if author else 0, delivered, len(rows), unreachable)

    # -- internals ----------------------------------------------------------------------
    def _release(
        self, learner_id: int, announcement_id: int, at: datetime | None
    ) -> AnnouncementView:
        with self.db.session() as session:
            announcement = self._own(session, learner_id, announcement_id)
            if announcement.state != "draft":
                raise TeamProblem("not_draft")
            self._check_cap(session, announcement)
            if at is None:
                self._start(session, announcement)
            else:
                announcement.state, announcement.scheduled_at = "scheduled", at
                session.add(announcement)
            session.flush()
            return self._view(session, announcement)

    def _start(self, session: Session, announcement: Announcement) -> None:
        """Fix the recipients and move to ``sending``."""
        announcement.state = "sending"
        session.add(announcement)
        for learner_id in self._recipients(session, announcement):
            session.add(
                AnnouncementDelivery(announcement_id=announcement.id, learner_id=learner_id)  # type: ignore[arg-type]
            )

    def _recipients(self, session: Session, announcement: Announcement) -> list[int]:
        if announcement.team_id is None:
            query = select(Learner.id).where(Learner.status == "active")
        else:
            query = select(Membership.learner_id).where(
                Membership.team_id == announcement.team_id, Membership.state == "active"
            )
        return [int(i) for i in session.exec(query).all() if i != announcement.learner_id]

    def _check_cap(self, session: Session, announcement: Announcement) -> None:
        """At most ``daily_cap`` announcements per audience in any 24 hours."""
        since = self.clock.now() - timedelta(days=1)
        team = col(Announcement.team_id)
        audience = team.is_(None) if announcement.team_id is None else team == announcement.team_id
        count = session.exec(
            select(func.count())
            .select_from(Announcement)
            .where(
                audience,
                col(Announcement.state).in_(("scheduled", "sending", "sent")),
                col(Announcement.created_at) >= since,
            )
        ).one()
        if count >= self.daily_cap:
            raise TeamProblem("daily_cap")

    def _require_audience(self, session: Session, learner_id: int, audience: int) -> None:
        if audience == EVERYONE:
            if learner_id not in self.admins:
                raise TeamProblem("not_admin")
            return
        require_facilitator(session, audience, learner_id)

    def _own(self, session: Session, learner_id: int, announcement_id: int) -> Announcement:
        """An announcement the learner may act on (its author, still allowed to send)."""
        announcement = session.get(Announcement, announcement_id)
        if announcement is None or announcement.learner_id != learner_id:
            raise TeamProblem("not_facilitator")
        self._require_audience(session, learner_id, announcement.team_id or EVERYONE)
        return announcement

    def _audience_name(self, session: Session, announcement: Announcement) -> str:
        team = session.get(Team, announcement.team_id) if announcement.team_id else None
        return team.name if team else ""

    def _view(self, session: Session, announcement: Announcement) -> AnnouncementView:
        counts = dict(
            session.exec(
                select(AnnouncementDelivery.state, func.count())
                .where(AnnouncementDelivery.announcement_id == announcement.id)
                .group_by(AnnouncementDelivery.state)
            ).all()
        )
        return AnnouncementView(
            announcement.id,  # type: ignore[arg-type]
            self._audience_name(session, announcement),
            announcement.state,
            announcement.scheduled_at,
            announcement.created_at,
            _content(announcement),
            counts,
        )


def _content(announcement: Announcement) -> Content:
    entities = tuple(json.loads(announcement.entities or "[]"))
    return Content(announcement.kind, announcement.text, entities, announcement.file_id)


def _is_member(session: Session, team_id: int, learner_id: int) -> bool:
    query = select(Membership.id).where(
        Membership.team_id == team_id,
        Membership.learner_id == learner_id,
        Membership.state == "active",
    )
    return session.exec(query).first() is not None
