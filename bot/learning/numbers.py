"""Reading numbers people type and ids that come back in button data.

``str.isdigit`` accepts characters such as "²" that ``int`` refuses, and an id of forty
digits does not fit a database integer; both must be plain refusals, not crashes.
Decimal digits of any script (Arabic-Indic "٧", say) are real digits and are read.
"""

from __future__ import annotations

MAX_ID_DIGITS = 18  # below 2**63: fits a SQLite (and PostgreSQL BIGINT) integer


def is_digits(text: str) -> bool:
    """Decimal digits only (any script, all of which ``int`` reads), at least one."""
    return text.isdecimal()


def small_id(text: str) -> int | None:
    """An id from button data, or ``None`` if it is not a plain number that fits."""
    if not is_digits(text) or len(text) > MAX_ID_DIGITS:
        return None
    return int(text)
