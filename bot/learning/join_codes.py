"""Team join codes: short, readable aloud, and hard to guess.

Ten characters from a 31-letter alphabet without look-alikes (0/O, 1/I/L) give about 49
bits of randomness, above the 40 we require, and fit a deep-link payload with room to
spare. The caller supplies the random source, so this module stays pure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
DEEP_LINK_PREFIX = "join-"
INVITATION_DAYS = 7  # a /join or join link awaiting the consent tap closes after this


def new_code(choose: Callable[[str], str]) -> str:
    """A fresh code; ``choose`` picks one character (``secrets.choice`` in production)."""
    return "".join(choose(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str | None:
    """Read a code as people type it (any case, dashes or spaces); ``None`` if impossible."""
    cleaned = "".join(text.split()).replace("-", "").upper()
    if cleaned.startswith(DEEP_LINK_PREFIX.upper().rstrip("-")):
        cleaned = cleaned[len(DEEP_LINK_PREFIX) - 1 :]
    if len(cleaned) != LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def display(code: str) -> str:
    """``ABCDE-FGHJK``: easier to read out in a team meeting."""
    return f"{code[:5]}-{code[5:]}"


def deep_link_payload(code: str) -> str:
    """The ``?start=`` payload for a code."""
    return f"{DEEP_LINK_PREFIX}{code}"


def invitation_open(requested_at: datetime | None, now: datetime) -> bool:
    """Whether a pending join asked for at ``requested_at`` may still be accepted.

    One without a time (asked for before invitations were timed) is closed: a fresh
    /join opens a new one.
    """
    return requested_at is not None and now - requested_at < timedelta(days=INVITATION_DAYS)
