"""What Attune does, as plain Python over the store and the rules; no Telegram here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.content.model import Library
from bot.services.announcements import Announcements
from bot.services.answers import Answers
from bot.services.challenges import Challenges
from bot.services.delivery import Deliveries
from bot.services.feedback import Feedback
from bot.services.learners import Learners
from bot.services.lease import DEFAULT_TTL, Leases, new_worker_id
from bot.services.privacy import Privacy
from bot.services.progress import Progress
from bot.services.safety import Safety
from bot.services.teams import Teams
from bot.store.engine import Database, unavailable_reason


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
    leases: Leases

    @staticmethod
    def database_unavailable(error: BaseException | None) -> str | None:
        """Why the database refused work, if that is what ``error`` is (see the store)."""
        return unavailable_reason(error)

    @classmethod
    def create(
        cls,
        db: Database,
        library: Library,
        clock: Clock,
        *,
        admins: frozenset[int] = frozenset(),
        announcement_cap: int = 3,
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
            answers=Answers(db, library, clock),
            progress=Progress(db, library, clock),
            privacy=Privacy(db, library, clock),
            teams=Teams(db, library, clock),
            challenges=Challenges(db, library, clock),
            announcements=announcements,
            safety=Safety(),
            feedback=Feedback(db, library, clock, operators=admins),
            leases=Leases(db, library, clock, worker=worker, ttl=lease_ttl),
        )
