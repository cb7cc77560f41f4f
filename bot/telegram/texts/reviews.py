"""Spaced review: the header before review polls, /review, and review lines in /progress."""

from __future__ import annotations

from datetime import date, datetime

from bot.learning.schedule import local_date
from bot.telegram.texts.common import esc, plural


def quick_review(questions: int) -> str:
    """Before the review polls that follow a lesson."""
    them = "it" if questions == 1 else "them"
    return (
        f"<b>Quick review</b>: {plural(questions, 'question')} from earlier lessons. "
        f"Recalling {them} now is what makes {them} stick."
    )


def review_now(questions: int) -> str:
    """Before the polls /review sends."""
    return f"<b>Review</b>: {plural(questions, 'question')} due from earlier lessons."


def nothing_due(next_due: datetime | None, zone: str, today: date) -> str:
    """/review with nothing to ask now."""
    if next_due is None:
        return (
            "Nothing to review yet. Each question you answer in a lesson comes back "
            "here when it's due."
        )
    day = local_date(next_due, zone)
    if day <= today:
        return "Today's review questions are already in the chat above."
    return (
        f"Nothing due right now. Your next review question is due on {day:%A} {day.day} {day:%B}."
    )


def review_lines(
    mastered: list[tuple[str, int]], reviews: int, right: int, due_now: int
) -> list[str]:
    """/progress: mastered questions per track, review accuracy, what is due."""
    lines = [f"Mastered in {esc(title)}: {plural(count, 'question')}" for title, count in mastered]
    if reviews:
        share = round(100 * right / reviews)
        lines.append(f"Reviews: {right} of {reviews} right ({share}%)")
    if due_now:
        lines.append(f"Due for review now: {plural(due_now, 'question')} (/review)")
    return lines
