"""Schema migrations, and backups that are consistent while the bot writes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.cli import main
from bot.health import write_heartbeat
from bot.store import schema
from tests.postgres import PostgresServer

NOW = datetime(2026, 3, 2, tzinfo=UTC)


def head_revision() -> str:
    """The newest revision in the migrations folder."""
    head = ScriptDirectory(str(schema.MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def learner_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM learner")).scalar_one())


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    """An engine on a database without tables, SQLite or PostgreSQL (both_databases)."""
    engine = create_engine(empty_database_url)
    yield engine
    engine.dispose()


@pytest.mark.both_databases
def test_an_empty_database_migrates_to_exactly_the_models(engine: Engine) -> None:
    assert schema.upgrade(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == [], (
            "a model change needs a migration"
        )


@pytest.mark.both_databases
def test_a_database_from_before_migrations_keeps_its_data(engine: Engine) -> None:
    schema.upgrade(engine, schema.BASELINE)  # the tables as create_all made them then
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text(
            "INSERT INTO learner (id, chat_id, first_name, created_at, tracks, days_mask, "
            "onboarded, status) VALUES (1, 1, 'Ann', '2026-03-02', '', 127, TRUE, 'active')"
        ))  # fmt: skip
    assert schema.upgrade(engine) == head_revision()
    assert schema.upgrade(engine) == head_revision(), "upgrading twice is harmless"
    assert learner_rows(engine) == 1


@pytest.mark.both_databases
def test_every_revision_upgrades_with_data_in_it(engine: Engine) -> None:
    """Each step from the previous schema keeps what is stored and fills new columns."""
    schema.upgrade(engine, schema.BASELINE)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO learner (id, chat_id, first_name, created_at, tracks, days_mask, "
                "onboarded, status) VALUES (1, 1, 'Ann', '2026-03-02', '', 127, TRUE, 'active')"
            )
        )
        connection.execute(text(
            "INSERT INTO delivery (id, learner_id, local_date, lesson_id, track_id, review, "
            "state, parts_sent, created_at, excused) VALUES "
            "(5, 1, '2026-03-02', 'ch-01', 'ch', FALSE, 'claimed', 2, '2026-03-02 07:30', FALSE)"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO team (id, name, join_code, zone, created_at) VALUES "
            "(3, 'Riverside', 'ABCDE23456', 'UTC', '2026-03-02')"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO membership (team_id, learner_id, role, state, show_name) VALUES "
            "(3, 1, 'member', 'pending', FALSE)"
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
    assert tuple(row) == (2, None, False, None), "a delivery part-way through resumes as before"
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
    assert learner_rows(engine) == 1
    engine.dispose()
    assert list(tmp_path.glob("attune.db.before-restore-*"))


def test_attune_db_on_postgresql_upgrades_and_points_backups_to_pg_dump(
    postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A server database is migrated as SQLite is; its backups are its own tools' job, and
    the advice says so without the password."""
    name = "attune_db_commands"
    url = postgres_server.create_database(name)
    secret_url = url.replace("attune@", "attune:s3cret-word@")  # trust auth ignores it
    monkeypatch.setenv("ATTUNE_DATABASE_URL", secret_url)
    monkeypatch.setenv("ATTUNE_HEARTBEAT_FILE", str(tmp_path / "heartbeat"))
    try:
        assert main(["db", "upgrade"]) == 0
        assert f"revision {head_revision()}" in capsys.readouterr().out
        assert main(["db", "backup", str(tmp_path / "b.dump")]) == 1
        advice = capsys.readouterr().err
        assert "pg_dump --format=custom" in advice and str(tmp_path / "b.dump") in advice
        assert f"postgresql://attune@127.0.0.1:{postgres_server.port}/{name}" in advice
        assert "s3cret" not in advice
        assert main(["db", "restore", str(tmp_path / "b.dump")]) == 1
        assert "pg_restore" in capsys.readouterr().err
        assert not (tmp_path / "b.dump").exists()
    finally:
        postgres_server.drop_database(name)
