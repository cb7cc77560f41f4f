"""A cap on how many things go out in any rolling window (announcements: 3 a day).

Everything that is out or planned has one instant. A new one at ``at`` fits when no
window of ``span`` (half-open: one exactly ``span`` later is outside it) holding ``at``
would then hold more than ``cap``. Past and future count alike, so neither drafts
written earlier nor schedules stacked ahead can get round the cap.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

DAY = timedelta(days=1)


def crowd(at: datetime, others: Iterable[datetime], span: timedelta = DAY) -> int:
    """The most ``others`` that share one ``span``-long window with ``at``."""
    near = sorted(o for o in others if abs(o - at) < span)
    best = 0
    for i, first in enumerate(near):
        start = min(first, at)
        best = max(best, sum(1 for o in near[i:] if max(o, at) - start < span))
    return best


def room(at: datetime, others: Iterable[datetime], cap: int, span: timedelta = DAY) -> int:
    """How many more may go out at ``at`` without any window holding more than ``cap``."""
    return max(0, cap - crowd(at, others, span))


def next_opening(
    at: datetime, others: Iterable[datetime], cap: int, span: timedelta = DAY
) -> datetime:
    """The earliest instant from ``at`` on at which one more fits (``cap`` of at least 1).

    A window stops holding ``o`` exactly ``span`` after it, so the answer is ``at`` or
    one of those moments; the last of them always fits.
    """
    times = list(others)
    candidates = sorted({at, *(o + span for o in times if o + span > at)})
    return next(t for t in candidates if room(t, times, cap, span) >= 1)
