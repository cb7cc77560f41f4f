"""Marking a message in flight at the last moment before its request leaves.

With the rate limiter on, a send can wait a second or more before its request goes out.
A part marked in flight before that wait and then cut off by a crash would be counted as
maybe delivered though it never left, and the learner would miss it. So the mark is made
in the HTTP layer, after the rate limiter has let the request go: the code that sends
sets ``before_send`` for the call, and ``bot.telegram.sending.http`` runs it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Hook = Callable[[], Awaitable[None]]
_BEFORE_SEND: ContextVar[Hook | None] = ContextVar("before_send", default=None)


@contextmanager
def before_send(hook: Hook) -> Iterator[None]:
    """Run ``hook`` right before each request made inside this block (retries included)."""
    token = _BEFORE_SEND.set(hook)
    try:
        yield
    finally:
        _BEFORE_SEND.reset(token)


async def run_before_send() -> None:
    """Run the calling task's hook, if it set one; the HTTP client calls this."""
    hook = _BEFORE_SEND.get()
    if hook is not None:
        await hook()
