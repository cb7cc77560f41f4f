"""Plain-text reports on the library for authors: item cues and reviews coming due.

Kept apart from the CLI so the figures the checker enforces and the figures authors read
come from one place (``item_cues``), and so tests can read them without a terminal.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.content import item_cues
from bot.content.model import Lesson, Library


def cue_lines(library: Library) -> list[str]:
    """Per track: correct-is-longest share, absolute-word share, keyed position spread."""
    lines = []
    for track in library.ordered_tracks():
        questions = [q for lesson in library.track_lessons(track.id) for q in lesson.questions]
        cues = item_cues.track_cues(questions)
        spread = " ".join(
            f"{chr(ord('A') + pos)}:{count}" for pos, count in sorted(cues.key_positions.items())
        )
        lines.append(
            f"  {track.id}: {cues.questions} questions; correct is longest "
            f"{cues.correct_longest_share:.0%}, shortest {cues.correct_shortest_share:.0%}; "
            "absolute words in "
            f"{cues.absolute_share:.0%} of wrong options; key in file order {spread}"
        )
    return lines


def question_cue_lines(library: Library) -> list[str]:
    """One line per question with its static cues, worst first, for finding weak items."""
    rows = []
    for track in library.ordered_tracks():
        for lesson in library.track_lessons(track.id):
            for question in lesson.questions:
                lengths = item_cues.option_lengths(question)
                flags = []
                if item_cues.correct_is_longest(question):
                    flags.append(f"key longest x{item_cues.length_margin(question):.2f}")
                if absolute := item_cues.absolute_distractors(question):
                    flags.append(f"{absolute} absolute distractor(s)")
                spread = max(lengths) - min(lengths)
                label = "; ".join(flags) or "no static cue"
                rows.append(
                    (
                        len(flags),
                        f"  {lesson.id} {question.id}: {label}; "
                        f"option lengths {lengths} (spread {spread})",
                    )
                )
    rows.sort(key=lambda row: -row[0])
    return [line for _, line in rows]


def due_for_review(library: Library, today: date, within_days: int) -> list[Lesson]:
    """Lessons whose ``review_by`` falls within ``within_days`` of today, soonest first."""
    horizon = today + timedelta(days=within_days)
    due = [
        lesson
        for lesson in library.lessons.values()
        if lesson.review is not None and lesson.review.review_by <= horizon
    ]
    # The type: ignore below: due_for_review keeps reviewed lessons only.
    return sorted(due, key=lambda lesson: (lesson.review.review_by, lesson.id))  # type: ignore[union-attr]
