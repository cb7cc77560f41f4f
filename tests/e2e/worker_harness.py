"""The harness with the bot run as a fleet worker: ``Worker`` with its HTTP server.

In webhook mode the emulator plays Telegram: ``setWebhook`` makes it POST every update to
the bot's own server with the secret header, and re-send until it gets a 2xx. Without a
webhook URL the worker polls and its server answers only ``/healthz`` and ``/metrics``.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

from bot.clock import ManualClock
from bot.config import Secret, Settings
from bot.emulator import BotApiEmulator
from bot.telegram.app import build_application, build_services
from bot.telegram.worker import Worker
from tests.e2e.conftest import START
from tests.e2e.harness import LESSONS, TOKEN, Harness, serving

SECRET = "webhook-secret_0123456789"
PATH = "/telegram/updates"


def free_port() -> int:
    """A loopback port nobody holds now (the webhook URL must name it before we listen)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class WorkerHarness(Harness):
    """``Harness`` whose bot starts as ``attune run`` starts a worker with a server."""

    worker: Worker | None = None

    async def start_bot(self) -> None:
        self.services = build_services(self.settings, self.clock)
        self.application = build_application(self.settings, self.services)
        self.application.add_error_handler(self._record_error)
        self.worker = Worker(self.application, self.settings)
        await self.worker.start(poll_timeout=1)

    async def stop_bot(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
        if self.services is not None:
            self.services.db.dispose()
        self.application = self.services = self.worker = None

    @property
    def base(self) -> str:
        host, port = self.settings.listen_address
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The webhook URL, which names the worker's own server."""
        return self.settings.webhook_url or f"{self.base}{PATH}"

    async def post(self, body: Any, headers: dict[str, str] | None = None) -> int:
        """POST ``body`` to the bot's webhook as Telegram would (with ``headers``)."""
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, json=body, headers=headers or {}) as response,
        ):
            return response.status

    async def get(self, path: str) -> tuple[int, str]:
        """GET one of the worker's own pages: status and text."""
        async with (
            aiohttp.ClientSession() as session,
            session.get(self.base + path) as response,
        ):
            return response.status, await response.text()


@asynccontextmanager
async def running_worker(
    tmp_path: Path, database_url: str, *, webhook: bool = True, paid_broadcast: bool = False
) -> AsyncIterator[WorkerHarness]:
    """The emulator and a worker on an empty database (the test's backend); errors fail
    the test."""
    clock = ManualClock(START)
    emulator = BotApiEmulator(TOKEN, clock=clock.now)
    await emulator.start()
    port = free_port()
    settings = Settings(
        token=Secret(TOKEN),
        database_url=database_url,
        api_base_url=emulator.base_url,
        lessons_dir=LESSONS,
        tick_seconds=3600,
        heartbeat_file=tmp_path / "heartbeat",
        webhook_url=f"http://127.0.0.1:{port}{PATH}" if webhook else None,
        webhook_secret=Secret(SECRET) if webhook else None,
        listen=("127.0.0.1", port),
        paid_broadcast=paid_broadcast,
    )
    async with serving(WorkerHarness(emulator, settings, clock)) as h:
        yield h
