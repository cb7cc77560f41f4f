"""Schema migrations, and backups that are consistent while the bot writes."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from bot.cli import main
from bot.health import write_heartbeat
from bot.store import schema

NOW = datetime(2026, 3, 2, tzinfo=UTC)


def head_revision() -> str:
    """The newest revision in the migrations folder."""
    head = ScriptDirectory(str(schema.MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def learner_rows(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM learner").fetchone()[0])


def test_an_empty_database_migrates_to_exactly_the_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    assert schema.upgrade(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == [], (
            "a model change needs a migration"
        )


def test_a_database_from_before_migrations_keeps_its_data(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    schema.upgrade(engine, schema.BASELINE)  # the tables as create_all made them then
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text(
            "INSERT INTO learner (id, chat_id, first_name, created_at, tracks, days_mask, "
            "onboarded, status) VALUES (1, 1, 'Ann', '2026-03-02', '', 127, 1, 'active')"
        ))  # fmt: skip
    assert schema.upgrade(engine) == head_revision()
    assert schema.upgrade(engine) == head_revision(), "upgrading twice is harmless"
    assert learner_rows(tmp_path / "old.db") == 1


def test_every_revision_upgrades_with_data_in_it(tmp_path: Path) -> None:
    """Each step from the previous schema keeps what is stored and fills new columns."""
    engine = create_engine(f"sqlite:///{tmp_path / 'prev.db'}")
    schema.upgrade(engine, schema.BASELINE)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO learner (id, chat_id, first_name, created_at, tracks, days_mask, "
                "onboarded, status) VALUES (1, 1, 'Ann', '2026-03-02', '', 127, 1, 'active')"
            )
        )
        connection.execute(text(
            "INSERT INTO delivery (id, learner_id, local_date, lesson_id, track_id, review, "
            "state, parts_sent, created_at, excused) VALUES "
            "(5, 1, '2026-03-02', 'ch-01', 'ch', 0, 'claimed', 2, '2026-03-02 07:30', 0)"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO team (id, name, join_code, zone, created_at) VALUES "
            "(3, 'Riverside', 'ABCDE23456', 'UTC', '2026-03-02')"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO membership (team_id, learner_id, role, state, show_name) VALUES "
            "(3, 1, 'member', 'pending', 0)"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO quizpoll (poll_id, delivery_id, learner_id, question_id, "
            "correct_index, sent_at) VALUES ('p1', 5, 1, 'q1', 1, '2026-03-02 07:30')"
        ))  # fmt: skip
    assert schema.upgrade(engine) == head_revision()
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT parts_sent, part_in_flight, uncertain, sender FROM delivery WHERE id = 5")
        ).one()
    assert tuple(row) == (2, None, 0, None), "a delivery part-way through resumes as before"
    with engine.connect() as connection:
        team = connection.execute(text("SELECT name, org_code FROM team")).one()
        invitation = connection.execute(text("SELECT state, requested_at FROM membership")).one()
    assert tuple(team) == ("Riverside", None), "a team starts in no organisation"
    assert tuple(invitation) == ("pending", None), "an untimed invitation counts as closed"
    with engine.connect() as connection:
        poll = connection.execute(text("SELECT correct_index, option_order FROM quizpoll")).one()
    assert tuple(poll) == (1, ""), "a poll sent before shuffling reads as file order"


def test_backup_is_consistent_while_another_connection_writes(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    engine = create_engine(f"sqlite:///{source}")
    schema.upgrade(engine)
    stop = threading.Event()

    def writer() -> None:
        with sqlite3.connect(source) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            n = 0
            while not stop.is_set() and n < 5000:
                n += 1
                connection.execute(
                    "INSERT INTO learner (id, chat_id, first_name, created_at, tracks, days_mask,"
                    " onboarded, status) VALUES (?, ?, 'x', '2026-03-02', '', 127, 1, 'active')",
                    (n, n),
                )
                connection.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        schema.backup(engine, tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        assert version == head_revision()
    with pytest.raises(FileExistsError):
        schema.backup(engine, tmp_path / "copy.db")


def test_attune_db_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    live = tmp_path / "attune.db"
    monkeypatch.setenv("ATTUNE_DATABASE_URL", f"sqlite:///{live}")
    monkeypatch.setenv("ATTUNE_HEARTBEAT_FILE", str(tmp_path / "heartbeat"))
    assert main(["db", "upgrade"]) == 0
    assert f"revision {head_revision()}" in capsys.readouterr().out
    engine = create_engine(f"sqlite:///{live}")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO learner (id, chat_id, first_name, created_at, tracks, days_mask, "
            "onboarded, status) VALUES (7, 7, 'Ann', '2026-03-02', '', 127, 1, 'active')"
        ))  # fmt: skip
    engine.dispose()
    assert main(["db", "backup", str(tmp_path / "b.db")]) == 0
    assert main(["db", "backup", str(tmp_path / "b.db")]) == 1
    assert "already exists" in capsys.readouterr().err

    write_heartbeat(tmp_path / "heartbeat", datetime.now(UTC))
    assert main(["db", "restore", str(tmp_path / "b.db")]) == 1
    assert "the bot is running" in capsys.readouterr().err
    (tmp_path / "heartbeat").unlink()
    (tmp_path / "junk.db").write_text("not a database")
    assert main(["db", "restore", str(tmp_path / "junk.db")]) == 1
    assert main(["db", "restore", str(tmp_path / "b.db")]) == 0
    assert "previous database is kept" in capsys.readouterr().out
    assert learner_rows(live) == 1
    assert list(tmp_path.glob("attune.db.before-restore-*"))
