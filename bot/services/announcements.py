"""Announcements: draft, send now or schedule, fan out once to each recipient, report.

Recipients get one row each, fixed when sending starts. A row is claimed (``sending``)
before its message goes out and settled right after. After a crash a row still marked
``sending`` is ambiguous: Telegram may or may not have delivered it, and it offers no
way to ask. We never resend such a row, so nobody gets a copy twice; the author's report
names it instead. Everything else resumes where it stopped.

A scheduled announcement is checked again when its time comes: if its author is no
longer a facilitator of the team (an operator, for one to everyone), it is held back, not
sent, and the team's facilitators (the operators) are told. Any of them may cancel a
scheduled one. The daily cap counts what went out and what is scheduled alike, in any 24
hours (``bot.learning.rolling_cap``), so no draft or stacked schedule gets round it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from bot.content.model import Library
from bot.learning import rolling_cap
from bot.services.base import Refusal, Service
from bot.store.engine import Database
from bot.store.models import Announcement, AnnouncementDelivery, Learner, Team, id_of
from bot.store.queries.announcements import (
    all_recipients,
    announcements_due,
    claim_fan_out,
    leave_draft,
    leave_scheduled,
    mark_sending,
    out_times,
    pending_recipients,
    recent_announcements,
    recipient_counts,
    recipients_in_state,
    release_fan_out,
    scheduled_announcements,
    sending_announcement_ids,
)
from bot.store.queries.learners import active_learner_ids
from bot.store.queries.teams import (
    active_member_ids,
    active_members,
    facilitated_teams,
    is_active_member,
    is_facilitator,
)

EVERYONE = 0
MAX_FILE_BYTES = 50 * 1024 * 1024
INTERRUPTED = "sending was interrupted; it may not have arrived"


class AnnouncementProblem(Refusal):
    """Why an announcement action was refused; ``code`` selects the reply."""


class CapReached(AnnouncementProblem):
    """The audience has had its ``cap`` in a day at the time asked; one fits at ``opens_at``."""

    def __init__(self, audience: str, cap: int, opens_at: datetime) -> None:
        super().__init__("daily_cap")
        self.audience, self.cap, self.opens_at = audience, cap, opens_at


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
    cancellable: bool = False  # by the person it is shown to


@dataclass(frozen=True, slots=True)
class Report:
    """Sent to the author when a fan-out finishes."""

    view: AnnouncementView
    author_chat: int
    delivered: int
    total: int
    unreachable: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Room:
    """Before writing: how many more the audience may receive now, under the daily cap."""

    audience: str
    left: int
    cap: int
    opens_at: datetime  # when the next one can go out (now while ``left``)


@dataclass(frozen=True, slots=True)
class Held:
    """A scheduled announcement held back at its time: its author may no longer send it.

    ``reason`` is ``not_facilitator`` (or ``not_admin``, for one to everyone); ``tell``
    holds the chat and zone of each facilitator of the team (each operator) to tell.
    """

    view: AnnouncementView
    author: str
    reason: str
    tell: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class Due:
    """What the tick does with announcements: fan these out; tell about these held ones."""

    sending: list[int]
    held: list[Held]


@dataclass(frozen=True, slots=True)
class Cancelled:
    """A cancelled announcement; ``author_chat`` is set when someone else cancelled it."""

    view: AnnouncementView
    by: str
    author_chat: int | None = None
    author_zone: str = "UTC"


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
        worker: str,
    ) -> None:
        super().__init__(db, library, clock)
        self.admins = admins
        self.daily_cap = daily_cap
        self.worker = worker  # this process: the sender it names on a fan-out it runs

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

    def cancel(self, learner_id: int, announcement_id: int) -> Cancelled:
        """Drop one's own draft, or any scheduled announcement to an audience one may
        announce to; one already sending cannot be recalled."""
        with self.db.session() as session:
            announcement = session.get(Announcement, announcement_id)
            if announcement is None:
                raise AnnouncementProblem("not_facilitator")
            self._require_audience(session, learner_id, announcement.team_id or EVERYONE)
            if announcement.state in ("cancelled", "held"):
                raise AnnouncementProblem(f"already_{announcement.state}")
            own = announcement.learner_id == learner_id
            if announcement.state != "scheduled" and not own:
                raise AnnouncementProblem("not_facilitator")  # drafts are their author's
            if announcement.state not in ("draft", "scheduled"):
                raise AnnouncementProblem("not_cancellable")
            announcement.state = "cancelled"
            session.add(announcement)
            actor, author = (
                session.get(Learner, i) for i in (learner_id, announcement.learner_id)
            )
            by = (actor.first_name if actor else None) or ""
            view = self._view(session, announcement)
            if own or author is None:
                return Cancelled(view, by)
            return Cancelled(view, by, author.chat_id, author.zone or "UTC")

    def listing(self, learner_id: int) -> list[AnnouncementView]:
        """For a facilitator (operator): every scheduled announcement to their teams (to
        everyone), each of which they may cancel, then the recent ones."""
        teams = [team for team, _ in self.audiences(learner_id) if team != EVERYONE]
        everyone = learner_id in self.admins
        with self.db.session() as session:
            scheduled = scheduled_announcements(session, teams, everyone)
            recent = recent_announcements(session, teams, everyone)
            return [self._view(session, a, cancellable=True) for a in scheduled] + [
                self._view(session, a) for a in recent
            ]

    def room(self, learner_id: int, audience: int) -> Room:
        """How many more announcements the audience may receive now (refused unless the
        learner may announce to it)."""
        now = self.clock.now()
        with self.db.session() as session:
            self._require_audience(session, learner_id, audience)
            others = out_times(session, audience or None, now - rolling_cap.DAY)
            name = self._audience_name(session, audience or None)
        left = rolling_cap.room(now, others, self.daily_cap)
        opens = rolling_cap.next_opening(now, others, self.daily_cap)
        return Room(name, left, self.daily_cap, opens)

    def due(self) -> Due:
        """Announcements to fan out now: scheduled ones whose time has come, and any
        fan-out that is still under way (after a restart, say).

        A scheduled one whose author may no longer send it is held back instead, and
        returned so its audience's facilitators can be told (once: a crash may lose the
        notice, never repeat it).
        """
        now = self.clock.now()
        held = []
        with self.db.session() as session:
            for announcement in announcements_due(session, now):
                audience = announcement.team_id or EVERYONE
                problem = self._audience_problem(session, announcement.learner_id, audience)
                # Conditional: a worker that ran this at the same moment moved it first.
                if not leave_scheduled(session, id_of(announcement), "held" if problem else None):
                    continue
                if problem is None:
                    self._start(session, announcement)
                else:
                    announcement.state = "held"
                    session.add(announcement)
                    held.append(self._held(session, announcement, problem))
            return Due(sending_announcement_ids(session), held)

    def claim(self, announcement_id: int) -> bool:
        """Make this worker the one fanning the announcement out, unless a live worker is.

        Rows a previous sender left ``sending`` (it crashed mid-request) are settled in the
        same transaction: never resent, reported as uncertain.
        """
        with self.db.session() as session:
            if not claim_fan_out(session, announcement_id, self.worker, self.clock.now()):
                return False
            for row in recipients_in_state(session, announcement_id, "sending"):
                row.state, row.reason = "failed", INTERRUPTED
                session.add(row)
            return True

    def release(self, announcement_id: int) -> None:
        """This worker stopped fanning it out (done, or to resume on a later tick)."""
        with self.db.session() as session:
            release_fan_out(session, announcement_id, self.worker)

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
                    recipients.append(Recipient(id_of(row), id_of(learner), learner.chat_id))
                session.add(row)
            return recipients

    def mark_sending(self, delivery_ids: list[int]) -> set[int]:
        """These requests are leaving now; if a crash interrupts them, they may have arrived.

        Returns those refused: the fan-out is no longer this worker's (it stalled past its
        lease and another took over), so they must not be sent from here.
        """
        with self.db.session() as session:
            return set(delivery_ids) - mark_sending(session, delivery_ids, self.worker)

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
            return _content(announcement), self._audience_name(session, announcement.team_id)

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
            announcement.sender = None
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
            self._check_cap(session, announcement, at or self.clock.now())
            # A double tap may have reached another worker: only one moves it on from draft.
            state = "sending" if at is None else "scheduled"
            if not leave_draft(session, announcement_id, state, at or self.clock.now()):
                raise AnnouncementProblem("not_draft")
            if at is None:
                self._add_recipients(session, announcement)
            session.flush()
            return self._view(session, announcement)

    def _start(self, session: Session, announcement: Announcement) -> None:
        """Fix the recipients and move to ``sending``."""
        announcement.state = "sending"
        session.add(announcement)
        self._add_recipients(session, announcement)

    def _add_recipients(self, session: Session, announcement: Announcement) -> None:
        """One pending copy for each member of the audience at this moment."""
        for learner_id in self._recipients(session, announcement):
            session.add(
                AnnouncementDelivery(announcement_id=id_of(announcement), learner_id=learner_id)
            )

    def _recipients(self, session: Session, announcement: Announcement) -> list[int]:
        """Everyone the announcement is for, except its author."""
        if announcement.team_id is None:
            audience = active_learner_ids(session)
        else:
            audience = active_member_ids(session, announcement.team_id)
        return [i for i in audience if i != announcement.learner_id]

    def _check_cap(self, session: Session, announcement: Announcement, at: datetime) -> None:
        """At most ``daily_cap`` announcements per audience in any 24 hours, counting
        those sent and those scheduled alike."""
        others = out_times(session, announcement.team_id, at - rolling_cap.DAY)
        opens = rolling_cap.next_opening(at, others, self.daily_cap)
        if opens != at:
            name = self._audience_name(session, announcement.team_id)
            raise CapReached(name, self.daily_cap, opens)

    def _require_audience(self, session: Session, learner_id: int, audience: int) -> None:
        problem = self._audience_problem(session, learner_id, audience)
        if problem is not None:
            raise AnnouncementProblem(problem)

    def _audience_problem(self, session: Session, learner_id: int, audience: int) -> str | None:
        """Why the learner may not announce to the audience now, or ``None``."""
        if audience == EVERYONE:
            return None if learner_id in self.admins else "not_admin"
        return None if is_facilitator(session, audience, learner_id) else "not_facilitator"

    def _held(self, session: Session, announcement: Announcement, reason: str) -> Held:
        """The notice for a held announcement, for the audience's facilitators (operators)."""
        if announcement.team_id is None:
            people = [session.get(Learner, i) for i in sorted(self.admins)]
        else:
            members = active_members(session, announcement.team_id)
            people = [learner for m, learner in members if m.role == "facilitator"]
        tell = tuple((p.chat_id, p.zone or "UTC") for p in people if p is not None)
        author = session.get(Learner, announcement.learner_id)
        name = (author.first_name if author else None) or ""
        return Held(self._view(session, announcement), name, reason, tell)

    def _own(self, session: Session, learner_id: int, announcement_id: int) -> Announcement:
        """An announcement the learner may act on (its author, still allowed to send)."""
        announcement = session.get(Announcement, announcement_id)
        if announcement is None or announcement.learner_id != learner_id:
            raise AnnouncementProblem("not_facilitator")
        self._require_audience(session, learner_id, announcement.team_id or EVERYONE)
        return announcement

    def _audience_name(self, session: Session, team_id: int | None) -> str:
        team = session.get(Team, team_id) if team_id else None
        return team.name if team else ""

    def _view(
        self, session: Session, announcement: Announcement, *, cancellable: bool = False
    ) -> AnnouncementView:
        counts = recipient_counts(session, id_of(announcement))
        return AnnouncementView(
            id_of(announcement),
            self._audience_name(session, announcement.team_id),
            announcement.state,
            announcement.scheduled_at,
            announcement.created_at,
            _content(announcement),
            counts,
            cancellable,
        )


def _content(announcement: Announcement) -> Content:
    entities = tuple(json.loads(announcement.entities or "[]"))
    return Content(announcement.kind, announcement.text, entities, announcement.file_id)
