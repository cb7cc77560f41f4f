"""The worker's own HTTP server: Telegram's webhook, ``/healthz`` and ``/metrics``.

The server runs in webhook mode, and in polling mode too when ``ATTUNE_LISTEN`` is set
(then only the two probes): a load balancer or container runtime asks ``/healthz``
whether to send this worker traffic, Prometheus scrapes ``/metrics``.

PTB's ``run_webhook`` serves with tornado and offers no room for other routes, so a
worker runs one small aiohttp server of ours instead (aiohttp is already the bot's HTTP
client), as PTB's "customwebhookbot" example suggests: an update that passes the checks
is put on ``application.update_queue``, exactly where PTB's own webhook would put it, and
flows through the same handlers and the same per-chat ordering as a polled one.

Telegram re-sends an update it thinks was not received (a slow answer, a worker lost
mid-request), perhaps to another worker. So a worker answers 200 only once the update is
handled, and each update id is taken in the database first (``services.updates``): a copy
of a handled update is ignored (200), a copy of one that a live worker is still handling
gets 503 (Telegram tries again later), and a copy of one whose worker died mid-way is
handled by whoever gets it. Killing a worker therefore loses no update, and doubles none
that had been handled (one killed mid-handler is handled again from the start).

An update is accepted only with Telegram's secret header; anything else gets 403 and is
never parsed. Telegram re-sends an update until it gets a 2xx, so answering 200 means
"handled". Handlers run through the Application's update processor, as polled updates
do, so one person's updates still run in order and the concurrency bound holds.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update

from bot.config import Settings
from bot.health import allowed_silence
from bot.metrics import CONTENT_TYPE
from bot.services.updates import Taking
from bot.telegram.context import AttuneApplication, metrics_of, services_of
from bot.telegram.writes import short_write

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_UPDATE_BYTES = 1 << 20
DATABASE_PROBE_SECONDS = 5.0  # an update is a few KB; refuse anything absurd before parsing


class WebServer:
    """One aiohttp site on ``ATTUNE_LISTEN``: the webhook path (in webhook mode) and probes."""

    def __init__(self, application: AttuneApplication, settings: Settings) -> None:
        self.application = application
        self.settings = settings
        self._runner: web.AppRunner | None = None

    def routes(self) -> web.Application:
        """The aiohttp application; the webhook route exists only in webhook mode."""
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_get("/healthz", self.on_healthz)
        app.router.add_get("/metrics", self.on_metrics)
        if self.settings.webhook_url is not None:
            app.router.add_post(webhook_path(self.settings.webhook_url), self.on_update)
        return app

    async def start(self) -> None:
        """Listen on ``ATTUNE_LISTEN`` (default 0.0.0.0:8080)."""
        self._runner = web.AppRunner(self.routes(), access_log=None)
        await self._runner.setup()
        host, port = self.settings.listen_address
        await web.TCPSite(self._runner, host, port).start()
        logger.info("serving HTTP on %s:%d", host, self.port)

    @property
    def port(self) -> int:
        """The port actually bound (``ATTUNE_LISTEN=...:0`` picks a free one)."""
        assert self._runner is not None, "the server is not started"
        address: Any = self._runner.addresses[0]
        return int(address[1])

    async def stop(self) -> None:
        """Stop taking requests; those under way finish first."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def on_update(self, request: web.Request) -> web.Response:
        """Telegram's POST: check the secret, parse, hand the update to the Application."""
        if not self._authentic(request):
            logger.warning("refused a webhook request without the right secret token")
            return web.Response(status=403, text="forbidden")
        update = await self._parsed(request)
        if update is None:
            return web.Response(status=400, text="not an update")
        services = services_of(self.application)
        take = partial(services.updates.take, update.update_id)
        try:
            taking = await short_write(services.db, take)
        except SQLAlchemyError as error:
            # Not taken, so not handled: Telegram re-sends it once the database is back.
            logger.warning("update %d not taken, the database failed: %s", update.update_id, error)
            return web.Response(status=503, text="database unavailable")
        if taking is Taking.HANDLED:
            logger.info("update %d arrived again; it was handled once", update.update_id)
            return web.Response(text="ok")
        if taking is Taking.BUSY:
            return web.Response(status=503, text="being handled; try again later")
        await self.handle(update)
        try:
            await short_write(services.db, partial(services.updates.handled, update.update_id))
        except SQLAlchemyError as error:
            # Handled all the same; a copy Telegram sends later waits for this worker's lease.
            logger.warning("update %d handled but not marked: %s", update.update_id, error)
        return web.Response(text="ok")

    async def handle(self, update: Update) -> None:
        """Run the handlers as a polled update runs them, and wait until they are done.

        Through the update processor: this person's earlier updates finish first and the
        bound on concurrent updates holds. Handler errors go to the error handlers.
        """
        application = self.application
        await application.update_processor.process_update(
            update, application.process_update(update)
        )

    async def on_healthz(self, _request: web.Request) -> web.Response:
        """200 while the database answers and the delivery loop beats; else 503 and why."""
        problem = await self.problem()
        if problem is not None:
            return web.Response(status=503, text=f"unhealthy: {problem}\n")
        return web.Response(text="ok\n")

    async def problem(self) -> str | None:
        """What makes this worker unfit to take traffic, if anything.

        Answering at all shows the event loop runs; the heartbeat shows the delivery loop
        still makes progress (a tick began or a delivery ended lately); ``SELECT 1`` runs
        in a thread, bounded, so a database that hangs shows as a 503, not a hung probe.
        """
        if not self.application.running:
            return "the bot is not running"
        silence = metrics_of(self.application).silence()
        if silence > allowed_silence(self.settings.tick_seconds):
            return f"the delivery loop has been silent for {silence:.0f}s"
        services = services_of(self.application)
        try:
            async with asyncio.timeout(DATABASE_PROBE_SECONDS):
                return await asyncio.to_thread(services.database_problem)
        except TimeoutError:
            return f"the database did not answer within {DATABASE_PROBE_SECONDS:.0f}s"

    async def on_metrics(self, _request: web.Request) -> web.Response:
        """Prometheus' text format, from this worker's own registry."""
        body = metrics_of(self.application).render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    async def _parsed(self, request: web.Request) -> Update | None:
        """The update in the body, or ``None`` if the body is not one."""
        try:
            data = await request.json()
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return None
            return Update.de_json(data, self.application.bot)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            return None

    def _authentic(self, request: web.Request) -> bool:
        """The header equals our secret (compared in constant time)."""
        secret = self.settings.webhook_secret
        given = request.headers.get(SECRET_HEADER, "")
        return secret is not None and hmac.compare_digest(given.encode(), secret.reveal().encode())


def webhook_path(url: str) -> str:
    """The path Telegram posts to, taken from ``ATTUNE_WEBHOOK_URL`` (``/`` if it has none)."""
    return urlsplit(url).path or "/"
