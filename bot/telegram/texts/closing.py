"""The end of a lesson day and the end of a track: said warmly, never as a duty."""

from __future__ import annotations

from datetime import date

from bot.services.progress import TrackFinished
from bot.telegram.texts.common import esc, plural

# The last line of a finished lesson day. Several, so no single stock sentence sits under
# every lesson; none says "today" (a late answer closes an earlier day) and none asks for
# more: our readers are clinicians at risk of burnout.
CLOSING_LINES = (
    "Trying to recall, right or wrong, is what makes it stick. See you next time.",
    "A wrong answer followed by its explanation is some of the best learning there is. "
    "Until next time.",
    "Small and often is how this works, and this was one of those small times. Take care.",
    "That's the learning done; the rest of the day is yours.",
    "Recalling before rereading is the part that does the work. Go gently.",
    "Thank you for making room for this in a full day. See you on your next lesson day.",
    "Whatever else is going on, this part is done. Look after yourself too.",
)


def closing_line(learner_id: int, lesson_day: date) -> str:
    """One of ``CLOSING_LINES``: the same for a learner and day however often it is
    asked, different on consecutive days, and learners start at different lines."""
    return CLOSING_LINES[(learner_id + lesson_day.toordinal()) % len(CLOSING_LINES)]


def track_finished(finished: TrackFinished) -> str:
    """A track's last lesson done: mark it, suggest what could come next, and say what
    happens to the daily lesson (it never restarts the track silently)."""
    lines = [
        f"<b>You've finished {esc(finished.title)}</b>: all "
        f"{plural(finished.lessons, 'lesson')}, a couple of minutes at a time. "
        "That deserves a moment."
    ]
    if finished.next_tracks:
        options = "\n".join(f"• {esc(title)}" for title in finished.next_tracks)
        lines.append(f"Tracks you might consider next:\n{options}\n/tracks adds one.")
    if finished.more_chosen:
        lines.append("Your other tracks carry on as before.")
    else:
        lines.append(
            "Until you choose another, your daily lesson brings back ones you've done, "
            "marked “Review”: nothing starts over without you knowing."
        )
    return "\n\n".join(lines)
