"""Plain-text reports on the library for authors: item cues and reviews coming due.

Kept apart from the CLI so the figures the checker enforces and the figures authors read
come from one place (``item_cues``), and so tests can read them without a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from bot.content import item_cues
from bot.content.model import Lesson, Library, Question
from bot.learning import shuffle

SIMULATED_LEARNERS = 500


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


def shuffled_position_lines(library: Library, learners: int = SIMULATED_LEARNERS) -> list[str]:
    """Per track: where the key is shown once options are shuffled, as shares of A, B, ...

    Learners see the options in their own seeded order (``learning.shuffle``), so the file
    order no longer matters; this replays that order for ``learners`` learners, one
    delivery each, to show no position is favoured.
    """
    lines = []
    for track in library.ordered_tracks():
        counts: dict[int, int] = {}
        for lesson in library.track_lessons(track.id):
            for question in lesson.questions:
                n = len(question.options)
                for learner_id in range(1, learners + 1):
                    order = shuffle.option_order(
                        learner_id, shuffle.delivery_occasion(learner_id), question.id, n
                    )
                    place = shuffle.position_of(order, question.correct_index)
                    counts[place] = counts.get(place, 0) + 1
        total = sum(counts.values()) or 1
        spread = " ".join(
            f"{chr(ord('A') + pos)}:{count / total:.0%}" for pos, count in sorted(counts.items())
        )
        lines.append(f"  {track.id}: key shown at {spread} ({learners} simulated learners)")
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


# Answers a question needs before its option figures say anything about the item.
MIN_ANSWERS_FOR_FLAGS = 20

Choices = dict[tuple[str, str], dict[int, int]]


def choice_counts(rows: Iterable[tuple[str, str, int, int]]) -> Choices:
    """``(lesson, question, option, times)`` rows as times chosen per option, by question."""
    found: Choices = {}
    for lesson_id, question_id, option, times in rows:
        found.setdefault((lesson_id, question_id), {})[option] = times
    return found


def answer_lines(library: Library, choices: Choices) -> list[str]:
    """Per answered question, in teaching order: how often answered, the share right and
    the share choosing each option (the key starred), with what looks weak flagged."""
    lines = []
    for track in library.ordered_tracks():
        for lesson in library.track_lessons(track.id):
            for question in lesson.questions:
                counts = choices.get((lesson.id, question.id))
                if counts:
                    lines.append(_answer_line(lesson.id, question, counts))
    return lines


def _answer_line(lesson_id: str, question: Question, counts: dict[int, int]) -> str:
    total = sum(counts.values())
    shares = [counts.get(index, 0) / total for index in range(len(question.options))]
    key = question.correct_index
    spread = " ".join(
        f"{chr(ord('A') + index)}{'*' if index == key else ''} {share:.0%}"
        for index, share in enumerate(shares)
    )
    flags = []
    if total >= MIN_ANSWERS_FOR_FLAGS:
        if any(share > shares[key] for index, share in enumerate(shares) if index != key):
            flags.append("a wrong option drew more than the key")
        if any(share == 0 for index, share in enumerate(shares) if index != key):
            flags.append("a wrong option nobody chose")
    note = f"; {', '.join(flags)}" if flags else ""
    return f"  {lesson_id} {question.id}: {total} answers, {shares[key]:.0%} right; {spread}{note}"


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
