"""The end of a lesson day and the end of a track: said warmly, never as a duty."""

from __future__ import annotations

from bot.services.progress import TrackFinished
from bot.telegram.texts.common import esc, plural


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
