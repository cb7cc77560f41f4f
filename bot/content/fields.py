"""Typed, problem-collecting access to one parsed YAML mapping.

Lesson authors are not programmers. Instead of stopping at the first bad field, every
reader method records a precise problem (file, field, what is wrong) and returns ``None``,
so ``attune lessons check`` can list everything that needs fixing in one run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.limits import telegram_length

IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SHORT_IDENTIFIER = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the content, located as precisely as we can."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class FieldReader:
    """Reads fields of one mapping, recording a ``Problem`` for each violation."""

    def __init__(self, file: str, data: Any, problems: list[Problem], prefix: str = "") -> None:
        self.file = file
        self.prefix = prefix
        self.problems = problems
        if isinstance(data, dict):
            self.data: dict[str, Any] = data
        else:
            self.data = {}
            self.problem("", f"expected a mapping of fields, found {_kind(data)}")

    def problem(self, name: str, message: str) -> None:
        """Record a problem for ``name`` (relative to this reader's prefix)."""
        where = ".".join(part for part in (self.prefix, name) if part)
        self.problems.append(Problem(self.file, where, message))

    def reject_unknown(self, allowed: set[str]) -> None:
        """Flag fields we do not know: usually a typo that would silently be ignored."""
        for key in self.data:
            if key not in allowed:
                self.problem(str(key), "unknown field (check the spelling in lessons/README.md)")

    def text(
        self, name: str, *, max_length: int, required: bool = True, max_line_feeds: int = -1
    ) -> str | None:
        """A non-empty string within Telegram's length, counted in UTF-16 units."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        if not isinstance(value, str):
            self.problem(name, f"must be text, found {_kind(value)}")
            return None
        value = value.strip()
        if not value:
            self.problem(name, "must not be empty")
            return None
        length = telegram_length(value)
        if length > max_length:
            self.problem(name, f"is {length} characters; the limit is {max_length}")
        if max_line_feeds >= 0 and value.count("\n") > max_line_feeds:
            self.problem(name, f"has {value.count(chr(10))} line breaks; at most {max_line_feeds}")
        if "\x00" in value or any(ord(c) < 32 and c not in "\n\t" for c in value):
            self.problem(name, "contains control characters")
        return value

    def identifier(self, name: str, pattern: re.Pattern[str] = IDENTIFIER) -> str | None:
        """A stable id: lowercase letters, digits and hyphens, at most 48 characters."""
        value = self.text(name, max_length=48)
        if value is not None and not pattern.match(value):
            self.problem(name, f"'{value}' must be lowercase letters, digits and hyphens")
            return None
        return value

    def boolean(self, name: str, default: bool) -> bool:
        """A true/false flag with a default."""
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.problem(name, f"must be true or false, found {_kind(value)}")
            return default
        return value

    def integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        """A whole number in a range."""
        value = self.data.get(name)
        if value is None:
            self.problem(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(name, f"must be a whole number, found {_kind(value)}")
            return None
        if not minimum <= value <= maximum:
            self.problem(name, f"must be between {minimum} and {maximum}, found {value}")
            return None
        return int(value)

    def past_date(self, name: str, today: date) -> date | None:
        """A calendar date (YYYY-MM-DD) that is not in the future."""
        value = self.any_date(name)
        if value is not None and value > today:
            self.problem(name, f"{value.isoformat()} is in the future")
        return value

    def any_date(self, name: str) -> date | None:
        """A required calendar date in the form YYYY-MM-DD."""
        value = self.data.get(name)
        if value is None:
            self.problem(name, "is required (YYYY-MM-DD)")
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                self.problem(name, f"'{value}' is not a date in the form YYYY-MM-DD")
                return None
        if not isinstance(value, date):
            self.problem(name, f"must be a date (YYYY-MM-DD), found {_kind(value)}")
            return None
        return value

    def sequence(self, name: str, *, minimum: int, maximum: int) -> list[Any] | None:
        """A list whose length is within bounds."""
        value = self.data.get(name)
        if value is None:
            self.problem(name, "is required")
            return None
        if not isinstance(value, list):
            self.problem(name, f"must be a list, found {_kind(value)}")
            return None
        if not minimum <= len(value) <= maximum:
            self.problem(name, f"has {len(value)} entries; expected {minimum} to {maximum}")
        return value

    def nested(self, name: str, index: int, item: Any) -> FieldReader:
        """A reader for one entry of a list field, e.g. ``questions[1]``."""
        base = ".".join(part for part in (self.prefix, name) if part)
        return FieldReader(self.file, item, self.problems, prefix=f"{base}[{index}]")


def _kind(value: Any) -> str:
    """Name a YAML value's type in words an author recognises."""
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number"}
    if value is None:
        return "nothing"
    return names.get(type(value), type(value).__name__)
