"""``attune db``: upgrade the schema, back up a live database, restore a backup.

Restoring replaces the database, so it refuses while the bot is alive (its heartbeat is
fresh) and keeps the replaced file beside the new one instead of deleting it.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.health import heartbeat_age
from bot.store import schema
from bot.store.engine import Database, is_sqlite, server_url


class OperationError(Exception):
    """The operation was refused or failed; the message says why, in one line."""


def run(action: str, settings: Settings, file: Path | None) -> str:
    """Run one ``attune db`` action and return what to print."""
    if action == "upgrade":
        db = Database(settings.database_url)
        try:
            return f"database is at revision {schema.upgrade(db.engine)} (the newest)"
        finally:
            db.dispose()
    assert file is not None
    if action == "backup":
        return _backup(settings, file)
    return _restore(settings, file)


def _database_file(settings: Settings, file: Path) -> Path:
    """The live SQLite file; any other database is backed up with its own tools."""
    if not is_sqlite(settings.database_url):
        raise OperationError(_server_tools(settings.database_url, file))
    url = make_url(settings.database_url)
    if not url.database or url.database == ":memory:":
        raise OperationError("backups are for a SQLite database file; use your database's tools")
    return Path(url.database)


def _server_tools(url: str, file: Path) -> str:
    """How to back up or restore a database server: its own tools do it consistently."""
    target = server_url(url)
    return (
        "this is a PostgreSQL database; its own tools back it up consistently while the bot "
        f'runs: pg_dump --format=custom --file={file} "{target}" '
        f'(restore with: pg_restore --clean --if-exists --dbname="{target}" {file}; '
        "the password comes from PGPASSWORD or ~/.pgpass)"
    )


def _backup(settings: Settings, target: Path) -> str:
    _database_file(settings, target)
    db = Database(settings.database_url)
    try:
        schema.backup(db.engine, target)
    except FileExistsError:
        raise OperationError(f"{target} already exists; choose a new file name") from None
    except (OSError, sqlite3.Error, RuntimeError) as error:
        raise OperationError(str(error)) from None
    finally:
        db.dispose()
    return f"backed up to {target}"


def _restore(settings: Settings, backup: Path) -> str:
    live = _database_file(settings, backup)
    age = heartbeat_age(settings.heartbeat_file, datetime.now(UTC))
    if age is not None and age.total_seconds() < max(60.0, 3 * settings.tick_seconds):
        raise OperationError("the bot is running; stop it first, then restore")
    if not backup.is_file():
        raise OperationError(f"{backup} does not exist")
    try:
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as copy:
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise OperationError(f"{backup} is damaged (integrity check failed)")
    except sqlite3.DatabaseError:
        raise OperationError(f"{backup} is not a SQLite database") from None
    kept = ""
    if live.exists():
        aside = live.with_name(f"{live.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        live.replace(aside)
        for suffix in ("-wal", "-shm"):  # the write-ahead log belongs with its database
            companion = Path(f"{live}{suffix}")
            if companion.exists():
                companion.replace(Path(f"{aside}{suffix}"))
        kept = f"; the previous database is kept as {aside}"
    shutil.copyfile(backup, live)
    return f"restored {backup}{kept}. Start the bot to upgrade it if needed"
