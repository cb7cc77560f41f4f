"""Does a message suggest the writer may be in crisis? A conservative phrase list.

The cost of the two errors is not equal: a false positive costs the learner one calm
paragraph of resources, a miss may cost far more. So the list leans towards showing the
resources ("suicide" alone is enough), and only well-worn figures of speech that reuse
the same words ("this lesson is killing me", "dying to know") are left out. English
first. Pure: text in, answer out; the detection is never stored as a label on anyone.
"""

from __future__ import annotations

import re
import unicodedata

# Phrases after normalising (lowercase, apostrophes dropped, anything else not a letter
# or digit turned into a single space), so "can't", "cant" and "can’t" read alike.
_PHRASES = (
    r"suicid\w*",
    r"kill(ing)? my ?self",
    r"kms",
    r"(end|ending|take|taking) (my|my own) life",
    r"end (it|it all|everything)",
    r"ending it( all)?",
    r"(want|going|ready|plan|planning) to die",
    r"wanna die",
    r"wish (i|id) (was|were) dead",
    r"wish i (had never been born|wasnt here|wasnt alive|could disappear)",
    r"better off (dead|without me)",
    r"(no|nothing|no reason) (left )?to live for",
    r"no reason to (live|go on|keep going)",
    r"(dont|do not) want to (live|be alive|be here|exist|wake up|go on)",
    r"(cant|cannot|can not) (go on|keep going|do this any ?more|take (it|this) any ?more)",
    r"(cant|cannot|can not) cope",
    r"(hurt|harm|cut|cutting|hurting|harming) my ?self",
    r"self ?harm\w*",
    r"overdos\w*",
    r"un ?alive",
    r"(feel|feeling|am|im) (so )?hopeless",
    r"(im|i am) not safe",
    r"(want|wanted) (it|everything|the pain) to (end|stop) for good",
    r"sleep (and never|forever|and not) wake up",
    r"nobody would (miss|notice) (me|if i)",
    r"(goodbye|good bye) (everyone|forever|world)",
)
_PATTERN = re.compile(r"\b(" + "|".join(_PHRASES) + r")\b")
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´"), None)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Fold case, width and accents, drop apostrophes, keep letters and digits."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    folded = folded.lower().translate(_APOSTROPHES)
    return " " + _NOT_WORD.sub(" ", folded).strip() + " "


def suggests_crisis(text: str) -> bool:
    """True when ``text`` could be a person in crisis; when unsure, True."""
    return bool(_PATTERN.search(normalise(text)))
