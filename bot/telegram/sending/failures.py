"""What a failed Bot API call tells us about whether the message arrived anyway.

Telegram has no idempotency key, so a request that failed after it left us may still have
been delivered; sending it again could give the learner a second copy. Lessons and
announcements both send at most once, and this is the one place that decides which
failures are safe to retry, and which mean the person cannot be reached.
"""

from __future__ import annotations

from enum import Enum

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.telegram.sending.http import NEVER_SENT, TRANSPORT_ERRORS

GONE_CHAT = ("chat not found", "user is deactivated", "bot was kicked")
# Telegram answered, and said no: nothing was delivered.
_REFUSED = (BadRequest, Forbidden, RetryAfter)


def may_have_arrived(error: TelegramError) -> bool:
    """Whether Telegram may have delivered the message despite ``error``.

    An answer from Telegram, even a 5xx, means the method failed: no. So does a
    connection that never opened. A timeout or a connection lost mid-request (a client
    error behind PTB's ``NetworkError``, see ``bot.telegram.sending.http``) means maybe.
    """
    if isinstance(error, _REFUSED) or not isinstance(error, NetworkError):
        return False
    cause = error.__cause__
    return isinstance(cause, TRANSPORT_ERRORS) and not isinstance(cause, NEVER_SENT)


class Failure(Enum):
    """What a failed send means for the message and for the person."""

    BLOCKED = "blocked"  # 403: they blocked the bot
    GONE = "gone"  # 400 about a chat that no longer exists
    REFUSED = "refused"  # any other 400: this message will never go
    UNCERTAIN = "uncertain"  # it may have arrived: never send it again
    RETRY = "retry"  # it did not arrive: send it later


def classify(error: TelegramError) -> Failure:
    """One reading of a failure for lessons and announcements alike."""
    if isinstance(error, Forbidden):
        return Failure.BLOCKED
    if isinstance(error, BadRequest):
        gone = any(reason in error.message.lower() for reason in GONE_CHAT)
        return Failure.GONE if gone else Failure.REFUSED
    return Failure.UNCERTAIN if may_have_arrived(error) else Failure.RETRY
