"""A sensitive lesson's content note: what the learner's answer to it may still change.

A lesson marked ``sensitive`` is first sent as its content note alone, with "Show the
lesson" and "Skip today". The day's delivery row walks through these states:

``note``     claimed, the note not sent yet (or in flight: ``part_in_flight`` says so)
``asked``    the note went out; the learner has not chosen
``skipped``  "Skip today": excused from the streak, the lesson offered again later
             (``bot.learning.curriculum.held_back``; an unanswered note too, though
             its day is not excused)
``claimed``  "Show the lesson": the lesson and its quiz are sent as on any other day

A choice counts only on the lesson's own local day; pressed again, or on a later day, a
button changes nothing and says why. Skipped may still be shown the same day (a learner
who feels ready after all); shown is final.
"""

from __future__ import annotations

from enum import Enum

NOTE_DUE = "note"
NOTE_SENT = "asked"
SKIPPED = "skipped"
# The lesson of a day in these states was not taught: skipped, or its note unanswered.
NOT_TAUGHT = (NOTE_DUE, NOTE_SENT, SKIPPED)


class NoteOutcome(Enum):
    """What pressing a content note's button did (or why it did nothing)."""

    SHOWN = "shown"
    SKIPPED = "skipped"
    ALREADY_SHOWN = "already shown"
    ALREADY_SKIPPED = "already skipped"
    DAY_OVER = "day over"
    NOT_YET = "not yet"  # the note's own sending is still being recorded
    UNKNOWN = "unknown"  # not this learner's delivery, or none at all


def answer_note(state: str, on_its_day: bool, *, show: bool) -> NoteOutcome:
    """The outcome of "Show the lesson" (``show``) or "Skip today" on a delivery in
    ``state``; ``on_its_day`` when the learner's local date is still the delivery's."""
    if state == NOTE_DUE:
        return NoteOutcome.NOT_YET
    if not on_its_day:
        return NoteOutcome.DAY_OVER
    if state not in (NOTE_SENT, SKIPPED):
        return NoteOutcome.ALREADY_SHOWN
    if show:
        return NoteOutcome.SHOWN
    return NoteOutcome.ALREADY_SKIPPED if state == SKIPPED else NoteOutcome.SKIPPED
