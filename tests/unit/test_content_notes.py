"""What a press on a content note's buttons may change, by the day's state."""

from __future__ import annotations

import pytest

from bot.learning.content_notes import NOTE_DUE, NOTE_SENT, SKIPPED, NoteOutcome, answer_note
from bot.telegram import keyboards, routes

N = NoteOutcome


@pytest.mark.parametrize(
    ("state", "on_its_day", "show", "outcome"),
    [
        (NOTE_SENT, True, True, N.SHOWN),
        (NOTE_SENT, True, False, N.SKIPPED),
        (SKIPPED, True, False, N.ALREADY_SKIPPED),
        (SKIPPED, True, True, N.SHOWN),  # ready after all, the same day
        ("claimed", True, False, N.ALREADY_SHOWN),
        ("sent", True, True, N.ALREADY_SHOWN),
        (NOTE_SENT, False, True, N.DAY_OVER),
        (NOTE_SENT, False, False, N.DAY_OVER),
        (SKIPPED, False, True, N.DAY_OVER),
        ("expired", False, True, N.DAY_OVER),
        (NOTE_DUE, True, True, N.NOT_YET),
    ],
)
def test_a_choice_counts_once_and_only_on_the_lessons_day(
    state: str, on_its_day: bool, show: bool, outcome: NoteOutcome
) -> None:
    assert answer_note(state, on_its_day, show=show) is outcome


def test_the_note_buttons_read_back() -> None:
    markup = keyboards.content_note_keyboard(42)
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data == ["cn:show:42", "cn:skip:42"]
    assert [routes.decode(d) for d in data] == [
        routes.NoteChoice(42, show=True),
        routes.NoteChoice(42, show=False),
    ]
    for forged in ("cn:show:042", "cn:hide:42", "cn:skip:", "cn:show:-1", "cn:skip:4:2"):
        assert routes.decode(forged) is None, forged
