"""Webhook delivery: POST each pending update to the bot's URL, in order, with retries.

Telegram keeps an update until the webhook answers 2xx and retries with back-off, and
sends the secret token header on every attempt; the bot's webhook server relies on both.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from bot.emulator.world import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
FIRST_BACKOFF, MAX_BACKOFF = 0.05, 2.0
IDLE_WAIT = 3600.0


class WebhookSender:
    """Background task that drains the update queue into the webhook while one is set."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _due(self) -> bool:
        return bool(self.world.webhook["url"]) and bool(self.world.updates.available(1))

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            backoff = FIRST_BACKOFF
            while not self._stopping:
                await self.world.changed.wait_for(self._due, IDLE_WAIT)
                if not self._due():
                    continue
                if await self._deliver(session):
                    backoff = FIRST_BACKOFF
                else:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF)

    async def _deliver(self, session: aiohttp.ClientSession) -> bool:
        """Send the oldest pending update; True when the webhook accepted it."""
        update = self.world.updates.available(1)[0]
        url, secret = self.world.webhook["url"], self.world.webhook["secret_token"]
        headers = {SECRET_HEADER: secret} if secret else {}
        self.world.in_flight += 1
        try:
            async with session.post(url, json=update, headers=headers) as response:
                ok = 200 <= response.status < 300
                error = f"Wrong response from the webhook: {response.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            ok, error = False, f"Connection failed: {exc!r}"
        finally:
            self.world.in_flight -= 1
        if ok:
            self.world.updates.confirm_update(update["update_id"])
        else:
            self.world.webhook["last_error"] = (self.world.now(), error)
        self.world.touch()
        return ok
