"""When to ask whether a lesson's practice was tried: a few lesson days after "I'll try it".

Counting lesson days rather than calendar days gives everyone the same room to try it:
a weekly learner is asked three weeks later, a daily one three days later, and days off,
pauses and our own downtime (no lesson was served) do not count. The question comes on a
lesson day, with that day's lesson, and never to a learner who is paused or stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

FOLLOW_UP_AFTER = 3


def follow_up_due(
    committed_on: date,
    today: date,
    lesson_days: Iterable[date],
    *,
    paused: bool,
    after: int = FOLLOW_UP_AFTER,
) -> bool:
    """Is today the day (or past it) to ask about a practice promised on ``committed_on``?

    ``lesson_days`` are the local days on which the learner was served a lesson and
    ``today`` is their local date now; the ``after``-th lesson day after the promise must
    have come, and today must be a lesson day itself.
    """
    if paused:
        return False
    served = set(lesson_days)
    later = [day for day in served if committed_on < day <= today]
    return today in served and len(later) >= after
