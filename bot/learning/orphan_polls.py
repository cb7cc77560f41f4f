"""Which question an answer to a poll we hold no record of must be about, if any.

A quiz poll's record (``QuizPoll``) is written once Telegram has returned the poll's id,
so for a moment the learner can vote on a poll the bot has no row for: while the row's
commit is still pending (the vote reached another worker first), or for good when the
worker that sent it died before committing (the part is then "uncertain"). The poll
answer names only the poll id, but the day's bookkeeping names the part: a part is
marked in flight, and committed, before it is sent. So an unknown poll can be matched to
the one question of the learner's recent days that went out, or may have, with no poll
recorded for it. If there is not exactly one such question the answer is left alone:
guessing could put an answer on the wrong question.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DaySending:
    """One delivery's sending state and its questions' ids (part ``i`` is question ``i``)."""

    delivery_id: int
    question_ids: Sequence[str]
    parts_sent: int
    part_in_flight: int | None
    uncertain: bool


def unrecorded_questions(day: DaySending, recorded: set[tuple[int, str]]) -> list[str]:
    """Questions of ``day`` whose poll is in flight now, or went out before a crash, and
    has no record."""
    found = []
    for part, question_id in enumerate(day.question_ids, start=1):
        if (day.delivery_id, question_id) in recorded:
            continue
        in_flight = part == day.part_in_flight
        sent_before_a_crash = day.uncertain and part < day.parts_sent
        if in_flight or sent_before_a_crash:
            found.append(question_id)
    return found


def orphan_question(
    days: Iterable[DaySending], recorded: set[tuple[int, str]]
) -> tuple[int, str] | None:
    """``(delivery, question)`` an unknown poll of these days must be, or ``None``."""
    candidates = [
        (day.delivery_id, question_id)
        for day in days
        for question_id in unrecorded_questions(day, recorded)
    ]
    return candidates[0] if len(candidates) == 1 else None
