"""What Attune does, as plain Python over the store and the rules; no Telegram here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.content.model import Library
from bot.learning.practice import FOLLOW_UP_AFTER
from bot.services.announcements import Announcements
from bot.services.answers import Answers
from bot.services.challenges import Challenges
from bot.services.delivery import Deliveries
from bot.services.feedback import Feedback
from bot.services.journal import Journal
from bot.services.learners import Learners
from bot.services.lease import DEFAULT_TTL, Leases, new_worker_id
from bot.services.practice import Practice
from bot.services.privacy import Privacy
from bot.services.progress import Progress
from bot.services.reviews import Reviews
from bot.services.safety import Safety
from bot.services.teams import Teams
from bot.services.updates import Updates
from bot.store.engine import Database, unavailable_reason
from bot.store.queries.health import select_one


@dataclass(frozen=True)
class Services:
    """Every service, sharing one database, one library and one clock."""

    db: Database
    library: Library
    clock: Clock
    learners: Learners
    deliveries: Deliveries
    answers: Answers
    progress: Progress
    privacy: Privacy
    teams: Teams
    challenges: Challenges
    announcements: Announcements
    safety: Safety
    feedback: Feedback
    reviews: Reviews
    updates: Updates
    journal: Journal
    practice: Practice
    leases: Leases

    @staticmethod
    def database_unavailable(error: BaseException | None) -> str | None:
        """Why the database refused work, if that is what ``error`` is (see the store)."""
        return unavailable_reason(error)

    def database_problem(self) -> str | None:
        """``None`` when the database answers a ``SELECT 1``; otherwise a short reason.

        Blocking (a network round trip on PostgreSQL): call it from a thread.
        """
        try:
            with self.db.engine.connect() as connection:
                select_one(connection)
        except SQLAlchemyError as error:
            return f"database unreachable ({type(error).__name__})"
        return None

    @classmethod
    def create(
        cls,
        db: Database,
        library: Library,
        clock: Clock,
        *,
        admins: frozenset[int] = frozenset(),
        announcement_cap: int = 3,
        review_retention: float = 0.9,
        follow_up_after: int = FOLLOW_UP_AFTER,
        lease_ttl: timedelta = DEFAULT_TTL,
    ) -> Services:
        """Wire the services together; ``worker`` names this process to the others."""
        worker = new_worker_id()
        announcements = Announcements(
            db, library, clock, admins=admins, daily_cap=announcement_cap, worker=worker
        )
        return cls(
            db=db,
            library=library,
            clock=clock,
            learners=Learners(db, library, clock),
            deliveries=Deliveries(db, library, clock, worker=worker),
            answers=Answers(db, library, clock, review_retention=review_retention),
            progress=Progress(db, library, clock),
            privacy=Privacy(db, library, clock),
            teams=Teams(db, library, clock),
            challenges=Challenges(db, library, clock),
            announcements=announcements,
            safety=Safety(),
            feedback=Feedback(db, library, clock, operators=admins),
            reviews=Reviews(db, library, clock, retention=review_retention),
            updates=Updates(db, library, clock, worker=worker),
            journal=Journal(db, library, clock),
            practice=Practice(db, library, clock, follow_up_after),
            leases=Leases(db, library, clock, worker=worker, ttl=lease_ttl),
        )
