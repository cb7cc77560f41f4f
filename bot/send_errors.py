"""What a failed Bot API call tells us about whether the message arrived anyway.

Telegram has no idempotency key, so a request that failed after it left us may still have
been delivered; sending it again could give the learner a second copy. Lessons and
announcements both send at most once, and this is the one place that decides which
failures are safe to retry.
"""

from __future__ import annotations

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

# httpx errors raised before the request reached Telegram.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Telegram answered, and said no: nothing was delivered.
_REFUSED = (BadRequest, Forbidden, RetryAfter)


def may_have_arrived(error: TelegramError) -> bool:
    """Whether Telegram may have delivered the message despite ``error``.

    An answer from Telegram, even a 5xx, means the method failed: no. So does a
    connection that never opened. A timeout or a connection lost mid-request (an httpx
    error behind PTB's ``NetworkError``) means maybe.
    """
    if isinstance(error, _REFUSED) or not isinstance(error, NetworkError):
        return False
    cause = error.__cause__
    return isinstance(cause, httpx.HTTPError) and not isinstance(cause, _NEVER_SENT)
