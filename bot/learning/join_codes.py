"""Team join codes: short, readable aloud, and hard to guess.

Ten characters from a 31-letter alphabet without look-alikes (0/O, 1/I/L) give about 49
bits of randomness, above the 40 we require, and fit a deep-link payload with room to
spare. The caller supplies the random source, so this module stays pure.
"""

from __future__ import annotations

from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
DEEP_LINK_PREFIX = "join-"


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
