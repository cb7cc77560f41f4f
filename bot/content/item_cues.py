"""Test-wise cues in quiz items, measured the way a test-wise learner would exploit them.

A learner who always taps the longest option, or avoids options that say "always", should
score no better than chance. These measures let the checker hold each track to the
item-writing rules (content guide, section 9) and let ``attune lessons items`` show
authors where an item leaks its answer. Pure functions over the library's values.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.content.model import Question
from bot.limits import telegram_length

ABSOLUTE_WORDS = re.compile(r"\b(always|never|only|all)\b", re.IGNORECASE)
GROUP_ANSWERS = re.compile(r"\b(all|none|both) of (the|these) (above|options)\b", re.IGNORECASE)
MAX_LONGEST_CORRECT_SHARE = 0.30
# The same cue the other way: authors fixing "the key is the longest" tend to overcorrect
# until the key is the shortest, and a test-wise learner then taps the shortest.
MAX_SHORTEST_CORRECT_SHARE = 0.30
MAX_ABSOLUTE_DISTRACTOR_SHARE = 0.08
MAX_LENGTH_MARGIN = 1.5


def option_lengths(question: Question) -> list[int]:
    """Each option's length as Telegram counts it."""
    return [telegram_length(text) for text in question.options]


def correct_is_longest(question: Question) -> bool:
    """True when no option is longer than the key (a tie counts: it is still a cue)."""
    lengths = option_lengths(question)
    return lengths[question.correct_index] == max(lengths)


def correct_is_shortest(question: Question) -> bool:
    """True when no option is shorter than the key (a tie counts)."""
    lengths = option_lengths(question)
    return lengths[question.correct_index] == min(lengths)


def length_margin(question: Question) -> float:
    """How many times longer the longest option is than the next longest."""
    ordered = sorted(option_lengths(question), reverse=True)
    return ordered[0] / max(ordered[1], 1)


def absolute_distractors(question: Question) -> int:
    """How many wrong options use an absolute word ("always", "never", "only", "all")."""
    return sum(
        1
        for index, text in enumerate(question.options)
        if index != question.correct_index and ABSOLUTE_WORDS.search(text)
    )


@dataclass(frozen=True, slots=True)
class TrackCues:
    """One track's cue figures, as the checker and the items report print them."""

    questions: int
    correct_longest: int
    correct_shortest: int
    distractors: int
    absolute_distractors: int
    key_positions: dict[int, int]

    @property
    def correct_longest_share(self) -> float:
        return self.correct_longest / self.questions if self.questions else 0.0

    @property
    def correct_shortest_share(self) -> float:
        return self.correct_shortest / self.questions if self.questions else 0.0

    @property
    def absolute_share(self) -> float:
        return self.absolute_distractors / self.distractors if self.distractors else 0.0


def track_cues(questions: Iterable[Question]) -> TrackCues:
    """Sum the cues over a track's questions."""
    items = list(questions)
    return TrackCues(
        questions=len(items),
        correct_longest=sum(correct_is_longest(q) for q in items),
        correct_shortest=sum(correct_is_shortest(q) for q in items),
        distractors=sum(len(q.options) - 1 for q in items),
        absolute_distractors=sum(absolute_distractors(q) for q in items),
        key_positions=dict(Counter(q.correct_index for q in items)),
    )


def track_problems(cues: TrackCues) -> list[str]:
    """The track-level item-writing rules the checker enforces, as messages."""
    found = []
    if cues.correct_longest_share > MAX_LONGEST_CORRECT_SHARE:
        found.append(
            f"the correct option is the longest in {cues.correct_longest} of "
            f"{cues.questions} questions ({cues.correct_longest_share:.0%}); "
            f"at most {MAX_LONGEST_CORRECT_SHARE:.0%} (content guide, section 9)"
        )
    if cues.correct_shortest_share > MAX_SHORTEST_CORRECT_SHARE:
        found.append(
            f"the correct option is the shortest in {cues.correct_shortest} of "
            f"{cues.questions} questions ({cues.correct_shortest_share:.0%}); "
            f"at most {MAX_SHORTEST_CORRECT_SHARE:.0%} (a reverse length cue)"
        )
    if cues.absolute_share > MAX_ABSOLUTE_DISTRACTOR_SHARE:
        found.append(
            f"{cues.absolute_distractors} of {cues.distractors} wrong options use "
            f"always/never/only/all ({cues.absolute_share:.0%}); "
            f"at most {MAX_ABSOLUTE_DISTRACTOR_SHARE:.0%}"
        )
    return found


def question_problems(question: Question) -> list[str]:
    """Per-question cues the checker refuses outright."""
    found = []
    if correct_is_longest(question) and length_margin(question) > MAX_LENGTH_MARGIN:
        found.append(
            f"the correct option is {length_margin(question):.1f} times as long as the next; "
            f"at most {MAX_LENGTH_MARGIN} (a length cue)"
        )
    if any(GROUP_ANSWERS.search(text) for text in question.options):
        found.append('no "all of the above" or "none of the above" options')
    return found
