"""The worker's own HTTP server: Telegram's webhook, ``/healthz`` and ``/metrics``.

PTB's ``run_webhook`` serves with tornado and offers no room for other routes, so a
worker runs one small aiohttp server of ours instead (aiohttp is already the bot's HTTP
client), as PTB's "customwebhookbot" example suggests: an update that passes the checks
is put on ``application.update_queue``, exactly where PTB's own webhook would put it, and
flows through the same handlers and the same per-chat ordering as a polled one.

Telegram re-sends an update it thinks was not received (a slow answer, a worker lost
mid-request), perhaps to another worker: each update id is taken in the database first
(``services.updates``), so only the first copy is handled, fleet-wide.

An update is accepted (200) only with Telegram's secret header; anything else gets 403 and
is never parsed. Telegram re-sends an update until it gets a 2xx, so answering 200 means
"we have it": the update is on the queue.
"""

from __future__ import annotations

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
from bot.telegram.context import AttuneApplication, services_of
from bot.telegram.writes import short_write

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_UPDATE_BYTES = 1 << 20  # an update is a few KB; refuse anything absurd before parsing


class WebServer:
    """One aiohttp site on ``ATTUNE_LISTEN``: the webhook path (in webhook mode) and probes."""

    def __init__(self, application: AttuneApplication, settings: Settings) -> None:
        self.application = application
        self.settings = settings
        self._runner: web.AppRunner | None = None

    def routes(self) -> web.Application:
        """The aiohttp application; the webhook route exists only in webhook mode."""
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
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
        try:
            first = await short_write(
                services.db, partial(services.updates.first_time, update.update_id)
            )
        except SQLAlchemyError as error:
            # Not taken, so not handled: Telegram re-sends it once the database is back.
            logger.warning("update %d not taken, the database failed: %s", update.update_id, error)
            return web.Response(status=503, text="database unavailable")
        if first:
            await self.application.update_queue.put(update)
        else:
            logger.info("update %d arrived again; it was handled once", update.update_id)
        return web.Response(text="ok")

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
