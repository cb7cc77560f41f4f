"""A lesson's practice and its follow-up, the reflection prompt, and the team's share."""

from __future__ import annotations

from bot.content.model import Lesson
from bot.services.practice import PracticeView, TriedShare
from bot.telegram.texts.common import esc, plural

TRY_IT_BUTTON = "I'll try it"
TRIED_BUTTON = "Tried it"
NOT_YET_BUTTON = "Not yet"
NO_FIT_BUTTON = "Doesn't fit my work"
SKIP_NOTE_BUTTON = "Skip the note"
WRITE_REFLECTION_BUTTON = "Write a reflection"
SKIP_REFLECTION_BUTTON = "Skip"
SKIPPED = "Skipped."

ASK_REFLECTION = (
    "Write it in one message, as long or short as you like. Only you will see it. Please "
    "leave out anything that could identify a client. /cancel to stop."
)
PRACTICE_NOTE_SKIPPED = "No note, that's fine. Thanks for trying it."
NOT_YET_REPLY = (
    "That's fine: it will keep. The practice is still in the lesson whenever a moment "
    "for it comes."
)
NO_FIT_REPLY = (
    "Thanks for saying so. Not every practice fits every setting, and that is worth "
    "knowing. If you think the lesson should say so, /feedback reaches its authors."
)
TRIED_REPLY = (
    "Good to hear. If you like, send one line on what happened, for your private journal "
    "(only you see it). Please leave out anything that could identify a client."
)


def practice_offer(lesson: Lesson, after: int) -> str:
    """Under the close of the day: the lesson's practice, offered, never assigned."""
    return (
        f"<b>Today's practice</b>\n{esc(lesson.try_this)}\n"
        f"Want to try it? I'll ask how it went in {plural(after, 'lesson day')}."
    )


def reflect_prompt(lesson: Lesson) -> str:
    """The lesson's reflection prompt, offered for the private journal."""
    return (
        f"<b>A question to sit with</b>\n{esc(lesson.reflect or '')}\n"
        "Write a few lines for your private journal, or skip it."
    )


def committed(view: PracticeView) -> str:
    """After "I'll try it"."""
    return (
        f"Noted. In {plural(view.after, 'lesson day')} I'll ask how it went; "
        "“not yet” is a fine answer too."
    )


def follow_up(view: PracticeView) -> str:
    """The one question, a few lesson days after "I'll try it"."""
    return (
        f"A few lesson days ago you planned to try the practice from "
        f"“{esc(view.lesson_title)}”:\n<i>{esc(view.try_this)}</i>\n\nDid you get to try it?"
    )


def tried_shares(shares: tuple[TriedShare, ...]) -> str:
    """For /team and /teamstats: how many tried each followed-up practice, never who."""
    if not shares:
        return ""
    lines = ["\n<b>Practice</b> (how many tried it; nobody is named)"]
    lines += [
        f"Day {s.day}: {s.tried} of {s.reached} tried the practice from “{esc(s.lesson_title)}”"
        for s in shares
    ]
    return "\n".join(lines)
