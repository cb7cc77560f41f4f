"""``BotApiEmulator``: the in-process facade that owns the world and the HTTP server.

The bot API and the control API listen on two sockets of one aiohttp runner, so
``pause()`` can make the Bot API refuse connections (PTB sees a NetworkError) while a test
in another process can still reach the control API to ``resume()``.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.emulator.control import UserSide
from bot.emulator.inspection import Observer
from bot.emulator.models import User
from bot.emulator.server import build_app
from bot.emulator.webhook import WebhookSender
from bot.emulator.world import Clock, World

DEFAULT_BOT_ID = 7_000_000_001


class BotApiEmulator(UserSide, Observer):
    """A small Telegram: start it, point PTB's ``base_url`` at it, drive users from tests."""

    def __init__(
        self,
        token: str,
        bot_username: str = "attune_demo_bot",
        bot_id: int = DEFAULT_BOT_ID,
        clock: Clock | None = None,
    ) -> None:
        bot = User(bot_id, "Attune", bot_username, None, is_bot=True)
        self.world = World(token, bot, clock)
        self._runner: web.AppRunner | None = None
        self._bot_site: web.TCPSite | None = None
        self._control_site: web.TCPSite | None = None
        self._webhook = WebhookSender(self.world)
        self._resume_handle: asyncio.TimerHandle | None = None
        self._resume_task: asyncio.Future[None] | None = None
        self.host = "127.0.0.1"
        self.port = 0
        self.control_port = 0

    # -- lifecycle --------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0, control_port: int = 0) -> None:
        """Listen on ``port`` (0: any free one) for the Bot API, ``control_port`` for control."""
        self.host = host
        self._runner = web.AppRunner(build_app(self), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        self._bot_site = await self._listen(port)
        self.port = int(self._runner.addresses[0][1])
        self._control_site = await self._listen(control_port)
        self.control_port = int(self._runner.addresses[1][1])
        self._webhook.start()

    async def stop(self) -> None:
        if self._resume_handle is not None:
            self._resume_handle.cancel()
        await self._webhook.stop()
        if self._runner is not None:
            self._close_connections(all_ports=True)
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _listen(self, port: int) -> web.TCPSite:
        assert self._runner is not None, "start() first"
        site = web.TCPSite(self._runner, self.host, port, reuse_address=True)
        await site.start()
        return site

    # -- addresses ----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """What PTB's ``base_url`` takes; PTB appends the token."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def control_url(self) -> str:
        """Root of the control API (``POST <control_url>/<op>``), never paused."""
        return f"http://{self.host}:{self.control_port}/_emulator"

    @property
    def token(self) -> str:
        return self.world.token

    def info(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "base_file_url": self.base_file_url,
            "control_url": self.control_url,
            "bot": self.world.bot.to_api(),
            "paused": self.paused,
        }

    # -- refusing connections -----------------------------------------------------------
    @property
    def paused(self) -> bool:
        return self._bot_site is None

    async def pause(self, seconds: float | None = None) -> None:
        """Stop listening on the Bot API port and drop its open connections.

        With ``seconds`` the server comes back by itself (handy over HTTP).
        """
        if self._bot_site is not None:
            await self._bot_site.stop()
            self._bot_site = None
            self._close_connections(all_ports=False)
        if seconds is not None:
            loop = asyncio.get_running_loop()
            self._resume_handle = loop.call_later(seconds, self._resume_later)

    def _resume_later(self) -> None:
        self._resume_handle = None
        self._resume_task = asyncio.ensure_future(self.resume())

    async def resume(self) -> None:
        if self._resume_handle is not None:
            self._resume_handle.cancel()
            self._resume_handle = None
        if self._bot_site is None and self._runner is not None:
            self._bot_site = await self._listen(self.port)

    def _close_connections(self, all_ports: bool) -> None:
        """Force-close keep-alive connections so clients cannot reuse them while paused."""
        server = self._runner.server if self._runner is not None else None
        if server is None:
            return
        for handler in server.connections:
            transport = handler.transport
            if transport is None:
                continue
            with contextlib.suppress(OSError, TypeError, IndexError):
                if all_ports or transport.get_extra_info("sockname")[1] == self.port:
                    handler.force_close()
