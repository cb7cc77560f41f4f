"""Clocks that business code is handed instead of reading the time itself.

Tests and the benchmarks (``bench/``) freeze and move time with ``ManualClock``;
``attune demo`` fast-forwards with ``OffsetClock``; production uses ``SystemClock``. All
return aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current instant."""

    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    """The host's real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A frozen clock that moves only when told to, for deterministic tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        """Jump to ``instant`` (forwards or backwards, as a host clock can)."""
        self._now = instant.astimezone(UTC)


class OffsetClock:
    """Real time shifted by an offset, so a demo can jump to the next delivery."""

    def __init__(self, start: datetime | None = None) -> None:
        """Real time, or real time moved so that it is ``start`` now (a demo that
        begins on a chosen morning)."""
        self.offset = timedelta(0) if start is None else start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump_to(self, instant: datetime) -> None:
        """Shift so that ``now()`` is ``instant``; never move backwards."""
        self.offset = max(self.offset, instant - datetime.now(UTC))
