"""The database tables. Instants are UTC; a learner's days are dates in their zone.

What is due lives here (``Learner.next_due_at``), not in scheduler memory, so a restart
loses nothing; ``Delivery`` has one row per learner and local day, so a day can never be
served twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and always read them back aware, in UTC.

    SQLite keeps no offset and returns naive values even from ``DateTime(timezone=True)``,
    so it is given naive UTC. PostgreSQL's ``timestamptz`` is given the aware instant: a
    naive value there would be read in the session's time zone, shifting every instant
    on a server whose zone is not UTC. Converting at this one boundary keeps naive
    datetimes out of the rest of the code.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime")
        instant = value.astimezone(UTC)
        return instant.replace(tzinfo=None) if dialect.name == "sqlite" else instant

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _instant(*, nullable: bool = False, index: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable, index=index)


def _learner_fk() -> Column[int]:
    return Column(
        BigInteger, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False, index=True
    )


class Learner(SQLModel, table=True):
    """A clinician who talks to the bot; the id is their Telegram user id."""

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    first_name: str = Field(default="", max_length=64)
    created_at: datetime = Field(sa_column=_instant())
    tracks: str = Field(default="", max_length=1000)
    delivery_minute: int | None = None
    zone: str | None = Field(default=None, max_length=64)
    days_mask: int = 127
    onboarded: bool = False
    pending_step: str | None = Field(default=None, max_length=32)
    status: str = Field(default="active", max_length=16)
    resume_on: date | None = None
    next_due_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))

    __table_args__ = (Index("ix_learner_next_due_at", "next_due_at"),)


class Delivery(SQLModel, table=True):
    """One day's lesson for one learner: claimed, then sent part by part."""

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(sa_column=_learner_fk())
    local_date: date
    lesson_id: str = Field(max_length=64)
    track_id: str = Field(max_length=64)
    review: bool = False
    state: str = Field(default="claimed", max_length=16, index=True)
    parts_sent: int = 0
    # The part whose request may be with Telegram right now. Found set after a crash, it
    # is uncertain: it may have arrived, so it is never sent again (see ``uncertain``).
    part_in_flight: int | None = None
    uncertain: bool = False
    created_at: datetime = Field(sa_column=_instant())
    completed_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    excused: bool = False
    challenge_id: int | None = Field(default=None, foreign_key="challenge.id", ondelete="SET NULL")
    challenge_day: int | None = None
    # The worker whose task is sending this delivery right now (``None`` between runs).
    # While that worker's own lease (``Lease``, ``worker:<id>``) lives, no other worker
    # resumes the delivery, and a part leaves only if its in-flight mark found this
    # worker still the owner: a part is never sent by two workers.
    sender: str | None = Field(default=None, max_length=200)

    __table_args__ = (
        UniqueConstraint("learner_id", "local_date", name="uq_delivery_day"),
        Index("ix_delivery_challenge_day", "challenge_id", "challenge_day"),
    )


class QuizPoll(SQLModel, table=True):
    """A quiz poll we sent, so a poll answer (which carries no chat) finds its question."""

    poll_id: str = Field(primary_key=True, max_length=64)
    delivery_id: int = Field(foreign_key="delivery.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(sa_column=_learner_fk())
    question_id: str = Field(max_length=32)
    # Both in display order: the place of the key, and the lesson's option index at each
    # place ("2,0,1"; empty for polls sent before options were shuffled: file order).
    correct_index: int
    option_order: str = Field(default="", max_length=64)
    sent_at: datetime = Field(sa_column=_instant())


class Answer(SQLModel, table=True):
    """A learner's answer to one quiz question; the first answer per question counts."""

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(sa_column=_learner_fk())
    delivery_id: int = Field(foreign_key="delivery.id", ondelete="CASCADE")
    lesson_id: str = Field(max_length=64)
    question_id: str = Field(max_length=32)
    option_index: int  # the lesson's own option, whatever place it was shown in
    correct: bool
    answered_at: datetime = Field(sa_column=_instant())

    __table_args__ = (UniqueConstraint("delivery_id", "question_id", name="uq_answer_question"),)


class ReviewItem(SQLModel, table=True):
    """One learner's FSRS card for one lesson question: when it comes back, and how it went.

    Made by the first answer to the question in a lesson; ``due`` is ``None`` once the
    question is mastered (retired). ``asked_at`` is when it was last sent as a review, so
    a crash mid-block loses the poll rather than sending it twice.
    """

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    lesson_id: str = Field(max_length=64)
    question_id: str = Field(max_length=32)
    state: int
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    last_review: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    reviews: int = 0
    reviews_right: int = 0
    right_streak: int = 0
    asked_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    mastered_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    created_at: datetime = Field(sa_column=_instant())

    __table_args__ = (
        UniqueConstraint("learner_id", "lesson_id", "question_id", name="uq_review_item"),
        # "This learner's due items, oldest first" is one range scan of this index.
        Index("ix_reviewitem_learner_due", "learner_id", "due"),
    )


class ReviewPoll(SQLModel, table=True):
    """A review question we sent as a quiz poll, and the first answer to it.

    Like ``QuizPoll`` it keeps the order the options were shown in, so the answer is the
    lesson's own option; unlike it, it belongs to no delivery: reviews never count towards
    completing a day.
    """

    poll_id: str = Field(primary_key=True, max_length=64)
    item_id: int = Field(foreign_key="reviewitem.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(sa_column=_learner_fk())
    correct_index: int
    option_order: str = Field(max_length=64)
    sent_at: datetime = Field(sa_column=_instant())
    option_index: int | None = None
    correct: bool | None = None
    answered_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class Team(SQLModel, table=True):
    """A group that learns together; joined with a short, hard-to-guess code."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    join_code: str = Field(max_length=16, unique=True, index=True)
    zone: str = Field(default="UTC", max_length=64)
    created_at: datetime = Field(sa_column=_instant())
    group_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # Teams with the same organisation code (one clinic's teams) are ranked against each
    # other on the board; a team without one is ranked against nobody.
    org_code: str | None = Field(default=None, max_length=16, index=True)


class Membership(SQLModel, table=True):
    """A learner's place in a team, and what they agreed to share there."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(sa_column=_learner_fk())
    role: str = Field(default="member", max_length=16)
    state: str = Field(default="pending", max_length=16)
    show_name: bool = False
    joined_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    # When a pending place was asked for: the invitation closes some days later.
    requested_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))

    __table_args__ = (UniqueConstraint("team_id", "learner_id", name="uq_membership"),)


class Challenge(SQLModel, table=True):
    """A team following one track for a set number of days, the same lesson each day."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    track_id: str = Field(max_length=64)
    start_date: date
    days: int
    created_at: datetime = Field(sa_column=_instant())
    stopped: bool = False
    summary_sent: bool = False
    last_digest_on: date | None = None


class ChallengeChoice(SQLModel, table=True):
    """Which running challenge counts for a learner who is in more than one."""

    learner_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True
        )
    )
    challenge_id: int = Field(foreign_key="challenge.id", ondelete="CASCADE")


class Announcement(SQLModel, table=True):
    """A facilitator's (or operator's) message to a team, or to everyone when team is empty.

    The content is kept as Telegram gave it (text or caption with its entities, and a
    file id), so members receive exactly what the author sent and previewed.
    """

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(sa_column=_learner_fk())
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    text: str = Field(default="", max_length=4096)
    entities: str = Field(default="[]", max_length=20000)
    file_id: str | None = Field(default=None, max_length=256)
    # draft, scheduled, sending, sent, cancelled, or held (its author could no longer send
    # it when its time came)
    state: str = Field(default="draft", max_length=16, index=True)
    # When members receive it: the time chosen, or the moment Send now was pressed. The
    # daily cap counts by it (older rows sent at once have none: their created_at counts).
    scheduled_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    created_at: datetime = Field(sa_column=_instant())
    finished_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    # The worker running its fan-out right now; claimed by a conditional update, so two
    # workers never fan one announcement out at once (see ``Delivery.sender``).
    sender: str | None = Field(default=None, max_length=200)


class AnnouncementDelivery(SQLModel, table=True):
    """One recipient of one announcement: pending, sending, sent, failed or blocked."""

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(sa_column=_learner_fk())
    state: str = Field(default="pending", max_length=16)
    reason: str | None = Field(default=None, max_length=200)

    __table_args__ = (
        UniqueConstraint("announcement_id", "learner_id", name="uq_announcement_recipient"),
    )


class ProcessedUpdate(SQLModel, table=True):
    """A Telegram update some worker has taken. Telegram re-sends an update whose webhook
    was slow or failed, perhaps to another worker: this row makes the second copy a no-op
    once the first was handled, and lets another worker handle it if the worker that took
    it died first (``owner``'s own lease ran out with ``handled_at`` still empty).
    Telegram keeps an update at most a day, so older rows are pruned."""

    __tablename__ = "processed_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    received_at: datetime = Field(sa_column=_instant(index=True))
    owner: str | None = Field(default=None, max_length=200)
    handled_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class JournalEntry(SQLModel, table=True):
    """A learner's private note (a reflection, or how a practice went).

    Only its author ever reads it: no team view or facilitator export looks here. It is
    checked for client identifiers before it is saved, and may carry an expiry.
    """

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(sa_column=_learner_fk())
    text: str = Field(max_length=1000)
    # note (typed with /journal), reflection (a lesson's prompt) or practice (after trying
    # a lesson's practice)
    kind: str = Field(default="note", max_length=16)
    lesson_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=_instant())
    expires_at: datetime | None = Field(
        default=None, sa_column=_instant(nullable=True, index=True)
    )


class JournalKeep(SQLModel, table=True):
    """How many days a learner's journal entries are kept (no row: until deleted)."""

    learner_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True
        )
    )
    days: int


class PracticeCommitment(SQLModel, table=True):
    """A learner said they would try a lesson's practice; later we ask how it went.

    ``state``: committed, asked (the follow-up went out), then tried, not_yet or no_fit.
    """

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(sa_column=_learner_fk())
    delivery_id: int = Field(foreign_key="delivery.id", unique=True, ondelete="CASCADE")
    lesson_id: str = Field(max_length=64)
    committed_on: date
    challenge_id: int | None = Field(
        default=None, foreign_key="challenge.id", index=True, ondelete="SET NULL"
    )
    state: str = Field(default="committed", max_length=16, index=True)
    created_at: datetime = Field(sa_column=_instant())
    answered_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class Lease(SQLModel, table=True):
    """A named lease held by one worker until ``expires_at`` unless renewed.

    ``sender`` is held by the elected sender, the one worker that runs scheduled sending;
    ``worker:<id>`` by each running worker itself, so others can tell it is alive.
    """

    name: str = Field(primary_key=True, max_length=200)
    owner: str = Field(max_length=200)
    expires_at: datetime = Field(sa_column=_instant())


class _Saved(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Saved) -> int:
    """A saved row's primary key. SQLModel types it as optional because a row has none
    before it is flushed; every caller of this holds a row that was read or flushed."""
    assert row.id is not None, "the row has not been saved yet"
    return row.id
