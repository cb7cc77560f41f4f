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

from sqlmodel import Session

from bot.clock import Clock
from bot.content.model import Library
from bot.services.base import Refusal, Service
from bot.store.engine import Database
from bot.store.models import Announcement, AnnouncementDelivery, Learner, Team
from bot.store.queries.announcements import (
    all_recipients,
    announcements_due,
    mark_sending,
    pending_recipients,
    recent_announcements,
    recipient_counts,
    recipients_in_state,
    released_since,
    sending_announcement_ids,
)
from bot.store.queries.learners import active_learner_ids
from bot.store.queries.teams import (
    active_member_ids,
    facilitated_teams,
    is_active_member,
    is_facilitator,
)

EVERYONE = 0
MAX_FILE_BYTES = 50 * 1024 * 1024
INTERRUPTED = "sending was interrupted; it may not have arrived"


class AnnouncementProblem(Refusal):
    """Why an announcement action was refused; ``code`` selects the reply."""


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
    """One member to send the announcement to, and the delivery row that records it."""

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
            found = facilitated_teams(session, learner_id)
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
                raise AnnouncementProblem("not_draft")

    def send_now(self, learner_id: int, announcement_id: int) -> AnnouncementView:
        """Start the fan-out at once."""
        return self._release(learner_id, announcement_id, None)

    def schedule(self, learner_id: int, announcement_id: int, at: datetime) -> AnnouncementView:
        """Members receive it at ``at`` (an instant in the future)."""
        if at <= self.clock.now():
            raise AnnouncementProblem("past_time")
        return self._release(learner_id, announcement_id, at)

    def cancel(self, learner_id: int, announcement_id: int) -> AnnouncementView:
        """Drop a draft or a scheduled announcement; one already sending cannot be recalled."""
        with self.db.session() as session:
            announcement = self._own(session, learner_id, announcement_id)
            if announcement.state == "cancelled":
                raise AnnouncementProblem("already_cancelled")
            if announcement.state not in ("draft", "scheduled"):
                raise AnnouncementProblem("not_cancellable")
            announcement.state = "cancelled"
            session.add(announcement)
            return self._view(session, announcement)

    def listing(self, learner_id: int) -> list[AnnouncementView]:
        """Scheduled and recent announcements for the author's audiences."""
        audiences = [team for team, _ in self.audiences(learner_id)]
        with self.db.session() as session:
            rows = recent_announcements(session, [a for a in audiences if a], learner_id)
            return [self._view(session, a) for a in rows]

    def due(self) -> list[int]:
        """Announcements to fan out now: scheduled ones whose time has come, and any
        fan-out that is still under way (after a restart, say)."""
        now = self.clock.now()
        with self.db.session() as session:
            for announcement in announcements_due(session, now):
                self._start(session, announcement)
            return sending_announcement_ids(session)

    def settle_interrupted(self, announcement_id: int) -> None:
        """Rows left ``sending`` by a crash: never resent, reported as uncertain."""
        with self.db.session() as session:
            for row in recipients_in_state(session, announcement_id, "sending"):
                row.state, row.reason = "failed", INTERRUPTED
                session.add(row)

    def next_recipients(self, announcement_id: int, limit: int) -> list[Recipient]:
        """Up to ``limit`` pending recipients; those who left the team are settled as failed.

        Rows stay ``pending`` until ``mark_sending``, just before each request leaves:
        a crash before that only delays them, it never costs a member the message.
        """
        with self.db.session() as session:
            announcement = session.get(Announcement, announcement_id)
            if announcement is None:
                return []
            recipients = []
            for row, learner in pending_recipients(session, announcement_id, limit):
                if announcement.team_id and not is_active_member(
                    session, announcement.team_id, learner.id
                ):
                    row.state, row.reason = "failed", "left the team"
                else:
                    recipients.append(Recipient(row.id, learner.id, learner.chat_id))  # type: ignore[arg-type]
                session.add(row)
            return recipients

    def mark_sending(self, delivery_ids: list[int]) -> None:
        """These requests are leaving now; if a crash interrupts them, they may have arrived."""
        with self.db.session() as session:
            mark_sending(session, delivery_ids)

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
            rows = all_recipients(session, announcement_id)
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
                raise AnnouncementProblem("not_draft")
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
        """Everyone the announcement is for, except its author."""
        if announcement.team_id is None:
            audience = active_learner_ids(session)
        else:
            audience = active_member_ids(session, announcement.team_id)
        return [i for i in audience if i != announcement.learner_id]

    def _check_cap(self, session: Session, announcement: Announcement) -> None:
        """At most ``daily_cap`` announcements per audience in any 24 hours."""
        since = self.clock.now() - timedelta(days=1)
        if released_since(session, announcement.team_id, since) >= self.daily_cap:
            raise AnnouncementProblem("daily_cap")

    def _require_audience(self, session: Session, learner_id: int, audience: int) -> None:
        if audience == EVERYONE:
            if learner_id not in self.admins:
                raise AnnouncementProblem("not_admin")
            return
        if not is_facilitator(session, audience, learner_id):
            raise AnnouncementProblem("not_facilitator")

    def _own(self, session: Session, learner_id: int, announcement_id: int) -> Announcement:
        """An announcement the learner may act on (its author, still allowed to send)."""
        announcement = session.get(Announcement, announcement_id)
        if announcement is None or announcement.learner_id != learner_id:
            raise AnnouncementProblem("not_facilitator")
        self._require_audience(session, learner_id, announcement.team_id or EVERYONE)
        return announcement

    def _audience_name(self, session: Session, announcement: Announcement) -> str:
        team = session.get(Team, announcement.team_id) if announcement.team_id else None
        return team.name if team else ""

    def _view(self, session: Session, announcement: Announcement) -> AnnouncementView:
        counts = recipient_counts(session, announcement.id)  # type: ignore[arg-type]
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
