"""Names people give themselves and their teams, made safe to show to others.

A first name comes from Telegram and is shown to facilitators (stats, exports, reports)
and on boards; a team name is typed by a facilitator and shown to every member. Both can
carry characters that hide text or reverse what follows it (U+202E), characters that
look like nothing (U+3164 HANGUL FILLER, U+2800 BRAILLE BLANK), or words that pass for a
message from Attune itself. Pure functions: text in, text or a verdict out.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that render as blank space in most fonts, though Unicode calls them letters.
BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u2060\u200b")
HIDDEN_CATEGORIES = ("Cf", "Cc", "Co", "Cn", "Cs")
# How our own notices begin ("📣 <team> · announcement", "Attune · …"): a team name that
# copies them could make a member's message look like it came from the bot.
SYSTEM_LOOKALIKE = re.compile(r"attune|·|\bnotice\b|\bannouncement\b|^\W", re.IGNORECASE)


def is_hidden(char: str) -> bool:
    """True for characters that show nothing or change the direction of text."""
    return char in BLANK_LOOKALIKES or unicodedata.category(char) in HIDDEN_CATEGORIES


def visible_name(raw: str, limit: int = 64) -> str:
    """``raw`` without hidden characters, spaces collapsed, at most ``limit`` characters."""
    kept = "".join(char for char in raw if not is_hidden(char))
    return " ".join(kept.split())[:limit]


def has_hidden(raw: str) -> bool:
    """Does ``raw`` carry any character that hides or reverses text?"""
    return any(is_hidden(char) for char in raw)


def imitates_system(name: str) -> bool:
    """Does a team name read like one of Attune's own notices?"""
    return bool(SYSTEM_LOOKALIKE.search(name.strip()))
