"""A real PostgreSQL server for the tests: started once per session, on loopback only.

The server runs from a temporary directory on a free 127.0.0.1 port with durability off
(``fsync``, ``synchronous_commit``, ``full_page_writes``), which tests never need. Its
session time zone is deliberately not UTC (Asia/Kolkata, +05:30), so any instant that is
stored or compared as a naive local time shows up as a shifted schedule in some test.
PostgreSQL refuses to run as root: as root, ``initdb`` and the server run as the
``postgres`` system user, the way CI runs (see ../shared/postgres-in-ci.md).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

SERVER_ZONE = "Asia/Kolkata"
USER = "attune"
START_TIMEOUT_S = 30.0


def binaries() -> Path | None:
    """The directory with ``initdb`` and ``postgres`` (the newest installed), or ``None``."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(directory: Path) -> dict[str, Any]:
    """Popen arguments that drop root to the ``postgres`` user (nothing when not root),
    working in ``directory``: the checkout may be a folder only root can enter."""
    if os.geteuid() != 0:
        return {"cwd": directory}
    return {"cwd": directory, "user": "postgres", "group": "postgres", "extra_groups": []}


@dataclass
class PostgresServer:
    """A running postmaster; ``url(name)`` gives SQLAlchemy URLs for its databases."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def execute(self, statement: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        dsn = f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(statement.encode())

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of ``template`` if given); returns its URL."""
        copy = f" TEMPLATE {template}" if template else ""
        self.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then remove the directory."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start(directory: Path, bindir: Path, *, durable: bool = False) -> PostgresServer:
    """initdb in ``directory`` and start a server there; waits until it accepts work.

    Tests run without durability; benchmarks pass ``durable=True`` (PostgreSQL's
    defaults: every commit flushed), so their figures are a production server's.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(directory, account.pw_uid, account.pw_gid)
    data = directory / "data"
    log = directory / "server.log"
    subprocess.run(
        [bindir / "initdb", "-D", data, "-U", USER, "-A", "trust", "-E", "UTF8",
         "--locale=C", "-N"],
        check=True, capture_output=True, **_as_server_user(directory),
    )  # fmt: skip
    port = _free_port()
    fast = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
    settings = [f"TimeZone={SERVER_ZONE}", "max_connections=200", *([] if durable else fast)]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [bindir / "postgres", "-D", data, "-p", str(port), "-k", directory,
             "-c", "listen_addresses=127.0.0.1",
             *(part for setting in settings for part in ("-c", setting))],
            stdout=output, stderr=subprocess.STDOUT, **_as_server_user(directory),
        )  # fmt: skip
    server = PostgresServer(directory, port, process)
    _wait_until_ready(server, log)
    return server


def _wait_until_ready(server: PostgresServer, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"PostgreSQL exited at start:\n{log.read_text()}")
        try:
            server.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.05)


@contextmanager
def running(directory: Path, bindir: Path, *, durable: bool = False) -> Iterator[PostgresServer]:
    """A server for the duration of the block, always stopped afterwards."""
    server = start(directory, bindir, durable=durable)
    try:
        yield server
    finally:
        server.stop()
