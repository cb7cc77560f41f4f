"""Erased means erased on disk: no byte of an erased learner survives in the files."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from bot.clock import ManualClock
from bot.config import Settings
from bot.learning.schedule import ALL_DAYS
from bot.telegram.app import build_services

LESSONS = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
NAME = "Quetzalcoatlina"  # appears nowhere else: any copy on disk is hers
OTHER = "Bartholomew"


def files_of(database: Path) -> bytes:
    found = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(f"{database}{suffix}")
        if path.exists():
            found += path.read_bytes()
    return found


def test_after_an_erase_no_byte_of_the_learner_is_left_in_the_database_files(
    tmp_path: Path,
) -> None:
    database = tmp_path / "attune.db"
    settings = Settings(database_url=f"sqlite:///{database}", lessons_dir=LESSONS)
    services = build_services(settings, ManualClock(datetime(2026, 3, 2, 5, tzinfo=UTC)))
    for learner_id, name in ((1, NAME), (2, OTHER)):
        services.learners.start(learner_id, learner_id, name)
        services.learners.toggle_track(learner_id, "cultural-humility")
        services.learners.confirm_tracks(learner_id)
        services.learners.set_time(learner_id, time(7, 30))
        services.learners.set_zone(learner_id, "Europe/Berlin")
        services.learners.set_days(learner_id, ALL_DAYS)
    services.db.checkpoint()  # copies of her rows now sit in the database file too
    assert NAME.encode() in database.read_bytes()
    services.learners.start(1, 1, NAME)  # and again in the log
    assert NAME.encode() in Path(f"{database}-wal").read_bytes()

    assert services.privacy.erase(1)

    on_disk = files_of(database)
    assert NAME.encode() not in on_disk
    assert NAME.encode("utf-16-le") not in on_disk
    assert OTHER.encode() in on_disk  # everyone else's data is still there
    services.db.dispose()


def test_every_connection_overwrites_deleted_content() -> None:
    """Some SQLite builds leave deleted bytes in free pages unless told otherwise (this
    machine's zeroes them by default, so the file test above cannot tell); every
    connection asks for it explicitly."""
    from typing import Any

    from bot.store.engine import _configure_sqlite

    ran: list[str] = []

    class Cursor:
        def execute(self, statement: str) -> None:
            ran.append(statement)

        def close(self) -> None:
            pass

    class Connection:
        def cursor(self) -> Any:
            return Cursor()

    _configure_sqlite(Connection(), None)
    assert "PRAGMA secure_delete=ON" in ran
