"""A learner's private journal: short notes, reflections on lessons, how a practice went.

Entries are the learner's alone: no team or facilitator view reads this table, and
``/mydata`` and ``/deletemydata`` find it like every other table about a learner. Before
anything is saved the text is checked: words that may come from someone in crisis are
never stored, and neither is anything that looks like a client identifier (the learner
is told what was found and asked to take it out; until they do, nothing is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.safety.distress import suggests_crisis
from bot.safety.identifiers import Finding, find_identifiers
from bot.services.base import Refusal, Service
from bot.store.models import JournalEntry, Learner
from bot.store.queries.deliveries import lesson_of_delivery
from bot.store.queries.journal import (
    delete_expired,
    entry_count,
    keep_days,
    recent_entries,
    set_keep_days,
)

MAX_ENTRY_CHARACTERS = 1000
MAX_KEEP_DAYS = 3650
LISTED = 5


class JournalProblem(Refusal):
    """Why nothing was saved: ``identifiers`` (see ``findings``), ``distress``, ``empty``,
    ``too_long``, ``bad_keep`` or ``unknown`` (no such learner)."""

    def __init__(self, code: str, findings: tuple[Finding, ...] = ()) -> None:
        super().__init__(code)
        self.findings = findings


@dataclass(frozen=True, slots=True)
class EntryView:
    """One entry as its author sees it."""

    text: str
    kind: str
    lesson_title: str | None
    created_at: datetime
    keep_days: int | None = None


@dataclass(frozen=True, slots=True)
class JournalView:
    """The newest entries, how many there are, and how long they are kept."""

    entries: tuple[EntryView, ...]
    total: int
    keep_days: int | None
    zone: str


def check_entry(text: str) -> str:
    """The text to save, or ``JournalProblem`` saying why it cannot be saved as it is."""
    cleaned = text.strip()
    if not cleaned:
        raise JournalProblem("empty")
    if len(cleaned) > MAX_ENTRY_CHARACTERS:
        raise JournalProblem("too_long")
    if suggests_crisis(cleaned):
        raise JournalProblem("distress")
    if findings := find_identifiers(cleaned):
        raise JournalProblem("identifiers", findings)
    return cleaned


class Journal(Service):
    """Writes, lists and forgets journal entries."""

    def write(
        self, learner_id: int, text: str, *, kind: str = "note", delivery_id: int | None = None
    ) -> EntryView:
        """Save an entry that passed ``check_entry``; it expires if the learner said so.

        ``delivery_id`` ties a reflection or a practice note to that day's lesson.
        """
        cleaned = check_entry(text)
        now = self.clock.now()
        with self.db.session() as session:
            if session.get(Learner, learner_id) is None:
                raise JournalProblem("unknown")
            days = keep_days(session, learner_id)
            lesson_id = (
                lesson_of_delivery(session, learner_id, delivery_id) if delivery_id else None
            )
            session.add(
                JournalEntry(
                    learner_id=learner_id,
                    text=cleaned,
                    kind=kind,
                    lesson_id=lesson_id,
                    created_at=now,
                    expires_at=now + timedelta(days=days) if days else None,
                )
            )
        return EntryView(cleaned, kind, self._title(lesson_id), now, days)

    def recent(self, learner_id: int) -> JournalView | None:
        """The newest entries; ``None`` before the learner's first /start."""
        with self.db.session() as session:
            learner = session.get(Learner, learner_id)
            if learner is None:
                return None
            rows = recent_entries(session, learner_id, LISTED)
            entries = tuple(
                EntryView(row.text, row.kind, self._title(row.lesson_id), row.created_at)
                for row in rows
            )
            return JournalView(
                entries,
                entry_count(session, learner_id),
                keep_days(session, learner_id),
                learner.zone or "UTC",
            )

    def keep(self, learner_id: int, days: int | None) -> int | None:
        """Keep entries ``days`` days from when each was written (``None``: until deleted).

        Entries already written follow the new rule too, so "keep 30" means what it says.
        """
        if days is not None and not 1 <= days <= MAX_KEEP_DAYS:
            raise JournalProblem("bad_keep")
        with self.db.session() as session:
            if session.get(Learner, learner_id) is None:
                raise JournalProblem("unknown")
            set_keep_days(session, learner_id, days)
        self.forget_expired()
        return days

    def forget_expired(self) -> int:
        """Delete every entry past its expiry (the tick calls this); how many went."""
        with self.db.session() as session:
            return delete_expired(session, self.clock.now())

    def _title(self, lesson_id: str | None) -> str | None:
        lesson = self.library.lessons.get(lesson_id) if lesson_id else None
        return lesson.title if lesson else None
