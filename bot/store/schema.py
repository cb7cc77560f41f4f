"""Bringing a database's schema up to date, and consistent online backups.

Alembic owns the schema. A database made before migrations existed (by ``create_all``)
is recognised by its tables and adopted at the baseline revision, so no data is lost.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"


def _config() -> Config:
    """Alembic's settings, in code: no alembic.ini to keep next to the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _revision(connection: Connection) -> str | None:
    """The revision the database is at (``None`` for an empty or pre-migration database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Migrate to the newest schema (or ``revision``); returns the revision reached."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        tables = set(inspect(connection).get_table_names())
        if _revision(connection) is None and "learner" in tables:
            command.stamp(config, BASELINE)
        command.upgrade(config, revision)
        return _revision(connection) or ""


def backup(engine: Engine, target: Path) -> None:
    """A consistent copy of a live SQLite database (SQLite's online backup API)."""
    source_path = make_url(str(engine.url)).database
    if not source_path or source_path == ":memory:":
        raise ValueError("only a file-based SQLite database can be backed up this way")
    if target.exists():
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    with sqlite3.connect(target) as copy:
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RuntimeError("the backup failed its integrity check")
