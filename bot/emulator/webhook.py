"""Webhook delivery: POST pending updates to the bot's URL, several at once, with retries.

Telegram keeps an update until the webhook answers 2xx, retries with back-off, sends the
secret token header on every attempt, and keeps up to ``max_connections`` requests open
at once (``setWebhook``; 40 unless the bot asks otherwise). The bot's webhook server
relies on all of that: it answers only once an update is handled, so one slow handler
must not hold up everyone else's updates.

Order: the emulator keeps one request open per chat (or user) at a time, so each
person's updates arrive in the order they were made, and an update waiting to be retried
holds back the later ones of its chat. Updates with no chat or user (``poll``) go out
whenever a connection is free.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import aiohttp

from bot.emulator.world import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
FIRST_BACKOFF, MAX_BACKOFF = 0.05, 2.0
IDLE_WAIT = 3600.0
DEFAULT_CONNECTIONS = 40  # Telegram's default max_connections
REQUEST_TIMEOUT = 60.0  # seconds an answer may take before the attempt counts as failed


def order_key(update: dict[str, Any]) -> int | None:
    """The chat (or, without one, the user) whose updates must keep their order."""
    payload = next((v for k, v in update.items() if k != "update_id"), None)
    if not isinstance(payload, dict):
        return None
    for holder in (payload, payload.get("message")):
        if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
            return int(holder["chat"]["id"])
    for field in ("from", "user"):
        if isinstance(payload.get(field), dict):
            return int(payload[field]["id"])
    return None


class WebhookSender:
    """Background task that drains the update queue into the webhook while one is set."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._posting: dict[int, int | None] = {}  # update id -> its order key
        self._retry_at: dict[int, float] = {}  # update id -> when it may be tried again
        self._backoff: dict[int, float] = {}
        self._posts: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        self._stopping = True
        tasks = [*self._posts, *([self._task] if self._task is not None else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None

    def _next(self) -> dict[str, Any] | None:
        """The oldest update that may go now: a connection is free, its chat has none
        open, and it is not waiting out a back-off."""
        if not self.world.webhook["url"]:
            return None
        limit = int(self.world.webhook.get("max_connections") or DEFAULT_CONNECTIONS)
        if len(self._posting) >= limit:
            return None
        busy = {key for key in self._posting.values() if key is not None}
        now = time.monotonic()
        for update in self.world.updates.available(limit=1_000_000):
            update_id, key = update["update_id"], order_key(update)
            if update_id in self._posting or key in busy:
                continue
            if self._retry_at.get(update_id, 0.0) > now:
                if key is not None:
                    busy.add(key)  # later updates of this chat wait behind it
                continue
            return update
        return None

    async def _wait_for_work(self) -> None:
        """Until an update may go, a back-off ends, or a new back-off begins (a failed
        attempt) and the wait must be measured again."""
        pending = {u["update_id"] for u in self.world.updates.available(limit=1_000_000)}
        for gone in set(self._retry_at) - pending:  # dropped while backing off
            self._retry_at.pop(gone)
            self._backoff.pop(gone, None)
        backoffs = dict(self._retry_at)

        def work() -> bool:
            return self._retry_at != backoffs or self._next() is not None

        now = time.monotonic()
        ahead = [at for at in backoffs.values() if at > now]
        idle = min(ahead) - now if ahead and self.world.webhook["url"] else IDLE_WAIT
        await self.world.changed.wait_for(work, idle)

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not self._stopping:
                update = self._next()
                if update is None:
                    await self._wait_for_work()
                    continue
                self._posting[update["update_id"]] = order_key(update)
                task = asyncio.create_task(self._deliver(session, update))
                self._posts.add(task)
                task.add_done_callback(self._posts.discard)

    async def _deliver(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> None:
        """POST one update; on success it is done, else it waits out a growing back-off."""
        update_id = update["update_id"]
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
            self._posting.pop(update_id, None)
        if ok:
            self._retry_at.pop(update_id, None)
            self._backoff.pop(update_id, None)
            self.world.updates.confirm_update(update_id)
        else:
            backoff = self._backoff.get(update_id, FIRST_BACKOFF)
            self._retry_at[update_id] = time.monotonic() + backoff
            self._backoff[update_id] = min(backoff * 2, MAX_BACKOFF)
            self.world.webhook["last_error"] = (self.world.now(), error)
        self.world.touch()
