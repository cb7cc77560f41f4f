"""What a learner reads around a sensitive lesson's content note."""

from __future__ import annotations

from bot.content.model import Lesson
from bot.telegram.texts.common import esc

NOTE_SKIPPED = (
    "Skipped for today. Your streak stays as it is and no rest day is used. "
    "This lesson comes back in a few days, and you can skip it again then.\n"
    "If it touched something personal, support is one tap away: /help."
)
# Toasts on the note's buttons (Telegram shows at most 200 characters).
NOTE_ALREADY_SHOWN = "You've opened this lesson already: it's in the chat above."
NOTE_ALREADY_SKIPPED = "Already skipped for today. It comes back in a few days."
NOTE_DAY_OVER = "That lesson's day is over, so this button no longer works. Nothing was changed."
NOTE_NOT_YET = "One moment, please: try that button again."


def content_note(lesson: Lesson, track_title: str, review: bool, label: str = "") -> str:
    """A sensitive lesson's first message: its content note and the choice, nothing more.

    ``label`` (already escaped) replaces the track line, as in ``lesson_message``.
    """
    heading = label or ("Review" if review else esc(track_title))
    return (
        f"<b>Today's lesson comes with a content note</b>\n<i>{heading}</i>\n\n"
        f"{esc(lesson.content_note or '')}\n\n"
        "Read it when you're ready, or skip it today: skipping never breaks your streak, "
        "and the lesson comes back in a few days."
    )
