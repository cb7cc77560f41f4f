"""Start and stop one worker: polling or webhook, with its HTTP server when it has one.

Polling stays the default. With ``ATTUNE_WEBHOOK_URL`` the worker starts the Application
without polling, opens its HTTP server, then registers the URL and secret with
``setWebhook``: the server is up before Telegram's first POST. Every worker of a fleet
registers the same URL, so the call is harmless to repeat. Stopping never deletes the
webhook: the other workers behind the proxy still serve it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.config import Settings
from bot.telegram.app import ALLOWED_UPDATES, start_application, start_bot, stop_bot
from bot.telegram.context import AttuneApplication
from bot.telegram.web import WebServer

logger = logging.getLogger(__name__)

# Telegram's most (default 40): an update is answered only once handled, so while a slow
# reply waits on the rate limiter, other updates keep arriving on other connections.
WEBHOOK_CONNECTIONS = 100


@dataclass
class Worker:
    """The Application plus, in webhook mode or with ``ATTUNE_LISTEN``, its HTTP server."""

    application: AttuneApplication
    settings: Settings
    server: WebServer | None = None

    async def start(self, *, poll_timeout: int = 10) -> None:
        """Start taking updates: from the webhook when configured, else by polling."""
        settings = self.settings
        if settings.webhook_url is None:
            await start_bot(self.application, poll_timeout=poll_timeout)
            if settings.serves_http:
                await self._serve()
            return
        await start_application(self.application)
        await self._serve()
        assert settings.webhook_secret is not None, "the settings refuse a URL without one"
        await self.application.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.reveal(),
            allowed_updates=ALLOWED_UPDATES,
            max_connections=WEBHOOK_CONNECTIONS,
        )
        logger.info("webhook registered; updates arrive by HTTP")

    async def stop(self) -> None:
        """Stop taking requests, then stop the Application in PTB's order."""
        if self.server is not None:
            await self.server.stop()
            self.server = None
        await stop_bot(self.application)

    async def _serve(self) -> None:
        self.server = WebServer(self.application, self.settings)
        await self.server.start()
