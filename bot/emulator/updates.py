"""The update queue behind getUpdates / webhooks, and a broadcast signal for waiters.

Long polling must really block (PTB spins otherwise), and tests must be able to wait for
"the bot fetched everything" without sleeping, so both are built on ``Signal``: a cheap
broadcast that wakes every waiter whenever the emulator's state changes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Signal:
    """Wake-all notification that can be fired from sync code (no lock needed)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait until ``predicate()`` holds, re-checking on every fire; False after ``seconds``.

        A deadline argument (rather than ``asyncio.timeout`` around the call) lets callers
        tell "timed out" from "condition met" without catching exceptions.
        """
        deadline = time.monotonic() + seconds
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            event = self._event
            try:
                # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancel
                # that races with the event being set, leaving the waiter unkillable.
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                return predicate()
        return True


class UpdateQueue:
    """Pending updates with Telegram's offset confirmation semantics."""

    def __init__(self, changed: Signal) -> None:
        self._changed = changed
        self._pending: list[dict[str, Any]] = []
        self._next_id = 1
        self.allowed_updates: list[str] = []

    @property
    def last_update_id(self) -> int:
        return self._next_id - 1

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue ``{"update_id": n, kind: payload}`` and wake any long poll."""
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self._changed.fire()
        return update

    def confirm(self, offset: int | None) -> None:
        """Forget updates below ``offset`` (negative: keep only the last -offset)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        self._changed.fire()

    def confirm_update(self, update_id: int) -> None:
        """Webhook delivery succeeded: that one update is done."""
        self._pending = [u for u in self._pending if u["update_id"] != update_id]
        self._changed.fire()

    def drop_all(self) -> None:
        """``drop_pending_updates=True`` on setWebhook / deleteWebhook."""
        self._pending = []
        self._changed.fire()

    def available(self, limit: int = 100) -> list[dict[str, Any]]:
        """Updates the bot may receive now, filtered by its ``allowed_updates``."""
        wanted = set(self.allowed_updates)
        result = []
        for update in self._pending:
            kind = next(key for key in update if key != "update_id")
            allowed = kind in wanted if wanted else kind not in DEFAULT_EXCLUDED
            if allowed:
                result.append(update)
        return result[:limit]
