"""Handle many people's updates at once, each person's strictly in the order they came.

PTB handles updates one at a time by default, so every learner waits behind everyone
else: when a cohort answers its quiz together, each answer queues behind the previous
one's database write and "day complete" message. Fully concurrent processing would fix
that but break flows that depend on order (onboarding steps, a button pressed right after
the message that showed it, /stop followed by /start).

``PerChatUpdateProcessor`` gives each update a set of keys, the user's id and the chat's
id (a private chat's id is its user's id; groups have negative ids), and runs it only
after every earlier update sharing a key has finished. Updates with no user and no chat
(e.g. ``poll`` updates) have no one to keep in order and run at once. The order is taken
when PTB hands over the update, which it does in the order the updates arrived, so
earlier updates always come first and no two updates can wait for each other.

PTB still calls ``update_queue.task_done()`` only once an update's handlers have finished,
so ``update_queue.join()`` (the end-to-end harness waits on it) still means "all handled".
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates inside the processor, waiting for their turn or running. Handlers mostly wait
# (for the database thread, for Telegram, and for the rate limiter, which holds "day
# complete" messages back for seconds when a cohort finishes at once: with a bound of
# 256, answers queued behind those sends and were recorded at half the rate), so the
# bound is generous. Past it PTB queues updates first come, first served, so arrival
# order still holds.
MAX_CONCURRENT = 4096


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across users and chats, sequential within each."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT) -> None:
        super().__init__(max_concurrent_updates)
        # key -> the "done" event of the newest update holding that key. An entry is
        # removed when that update finishes, so the dict holds only keys with work.
        self._last: dict[int, asyncio.Event] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the earlier updates of the same user or chat, then run this one."""
        keys = order_keys(update)
        done = asyncio.Event()
        before = [self._last[key] for key in keys if key in self._last]
        for key in keys:
            self._last[key] = done
        try:
            for event in before:
                await event.wait()
            await coroutine
        finally:
            if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == (
                inspect.CORO_CREATED
            ):
                coroutine.close()  # cancelled before its turn: never "never awaited"
            done.set()
            for key in keys:
                if self._last.get(key) is done:
                    del self._last[key]

    async def initialize(self) -> None:
        """Nothing to allocate: the events are created as updates arrive."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for running updates before shutting down."""


def order_keys(update: object) -> tuple[int, ...]:
    """The ids whose updates must stay in order with this one: its user and its chat."""
    if not isinstance(update, Update):
        return ()
    user, chat = update.effective_user, update.effective_chat
    keys = {user.id} if user is not None else set()
    if chat is not None:
        keys.add(chat.id)
    return tuple(keys)
