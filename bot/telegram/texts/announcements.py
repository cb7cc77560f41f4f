"""Announcements: prompts, previews, refusals and delivery reports."""

from __future__ import annotations

from datetime import datetime

from bot.services.announcements import AnnouncementView, Cancelled, CapReached, Held, Report, Room
from bot.telegram.texts.common import esc, plural, when
from bot.telegram.texts.teams import TEAM_PROBLEMS

NOTICE_NAME = "Attune"


TEAM_PROBLEMS.update(
    {
        "past_time": "That time has already passed. Nothing was scheduled.",
        "bad_time": (
            "I couldn't read that time. Try <code>2026-03-05 15:00</code>, "
            "<code>tomorrow 15:00</code> or <code>15:00</code>, optionally followed by a time "
            "zone like <code>America/Chicago</code>."
        ),
        "bad_zone": (
            "I don't know that time zone. Try a zone like <code>Europe/Berlin</code> or "
            "<code>America/Chicago</code>, or leave it out to use yours."
        ),
        "daily_cap": (
            "That would make too many announcements to this team within 24 hours (the limit "
            "protects members from floods). Nothing was sent."
        ),
        "not_admin": "Only Attune's operators can announce to everyone. Nothing was sent.",
        "not_draft": "That announcement was already sent, scheduled or cancelled.",
        "not_cancellable": "That announcement is already on its way and can't be recalled.",
        "already_cancelled": "That announcement was already cancelled. Nothing was sent.",
        "already_held": (
            "That announcement was held back when its time came (its author could no longer "
            "send it), so there is nothing to cancel."
        ),
    }
)
NO_AUDIENCE = (
    "Only a team's facilitators can send it announcements. Create a team with /newteam, or "
    "ask your facilitator."
)
ANNOUNCE_WHICH = "Who should receive the announcement?"
ANNOUNCE_ASK = (
    "Send me the announcement as members should see it: formatted text, a photo with a "
    "caption, or a document such as a PDF. You'll see a preview first. /cancel stops."
)
ANNOUNCE_UNSUPPORTED = (
    "I can send formatted text, a photo with a caption, or a document. Please send one of "
    "those, or /cancel."
)
ANNOUNCE_EMPTY = "That announcement is empty. Please send some text, a photo or a document."
ANNOUNCE_TOO_BIG = (
    "That file is larger than Telegram allows bots to send (50 MB). Nothing was sent."
)
PREVIEW = "<b>Preview.</b> This is exactly what members will receive:"
CONFIRM_SEND = "Send it?"
ASK_WHEN = (
    "When should members receive it? Type a date and time in your time zone ({zone}), like "
    "<code>2026-03-05 15:00</code> or <code>tomorrow 15:00</code>."
)
ANNOUNCE_CANCELLED = "Cancelled. Nothing was sent."
NOTHING_TO_CANCEL = "There's nothing to cancel."
NO_ANNOUNCEMENTS = "No scheduled or recent announcements."


def announcement_header(audience: str) -> str:
    """The first line of every announcement, so members can tell it from a lesson."""
    if audience:
        return f"📣 {audience} · announcement\n\n"
    return f"📣 {NOTICE_NAME} · notice\n\n"


def announce_too_long(limit: int) -> str:
    """Text or caption over Telegram's length once the header is added."""
    return f"That is too long to send: with the header it must fit in {limit} characters."


def sending_now(count: int) -> str:
    """After Send now."""
    return f"Sending to {plural(count, 'member')} now. You'll get a report when it's done."


def scheduled_for(instant: datetime, zone: str) -> str:
    """After scheduling."""
    return (
        f"Scheduled for {when(instant, zone)} ({esc(zone)}). Members receive it at that moment. "
        "/announcements lists it and can cancel it."
    )


def _cap_words(cap: int, audience: str) -> str:
    return f"{plural(cap, 'announcement')} to {esc(audience or 'everyone')}"


def announce_ask(room: Room, zone: str) -> str:
    """The prompt for the announcement, saying first how much room the daily cap leaves."""
    if room.left:
        cap = (
            f"{esc(room.audience or 'Everyone')} can receive "
            f"{plural(room.left, 'more announcement')} now (at most {room.cap} in any 24 hours, "
            "counting those sent and scheduled)."
        )
    else:
        cap = (
            f"There are already {_cap_words(room.cap, room.audience)} sent or scheduled within "
            f"24 hours of now, the most allowed, so the next can go out from "
            f"<b>{when(room.opens_at, zone)}</b> ({esc(zone)}). You can write it now and "
            "schedule it for then."
        )
    return f"{cap}\n\n{ANNOUNCE_ASK}"


def confirm_later(room: Room, zone: str) -> str:
    """Under the preview when the daily cap is full now: it can only be scheduled."""
    return (
        f"It can't go out now: there are already {_cap_words(room.cap, room.audience)} sent "
        f"or scheduled within 24 hours of now. Schedule it for <b>{when(room.opens_at, zone)}"
        f"</b> ({esc(zone)}) or later?"
    )


def cap_reached(problem: CapReached, zone: str, *, scheduling: bool) -> str:
    """Refused by the daily cap: why, and when the next one can go out."""
    too_many = (
        f"That would make more than {_cap_words(problem.cap, problem.audience)} within 24 "
        "hours, counting those sent and scheduled (the limit protects members from floods)."
    )
    opens = f"<b>{when(problem.opens_at, zone)}</b> ({esc(zone)})"
    if scheduling:
        return (
            f"{too_many} Nothing was scheduled. The first time from then that fits is {opens}. "
            "Type that or a later time, or /cancel."
        )
    return (
        f"{too_many} Nothing was sent. The next can go out from {opens}: tap Schedule to "
        "send this one then."
    )


def _scheduled_for(view: AnnouncementView, zone: str) -> str:
    """' scheduled for Tuesday 3 March at 15:00 (Europe/Berlin)', or nothing."""
    if view.scheduled_at is None:
        return ""
    return f" scheduled for {when(view.scheduled_at, zone)} ({esc(zone)})"


def announcement_held(held: Held, zone: str) -> str:
    """To the audience's facilitators: a scheduled announcement was held back, and why."""
    view = held.view
    audience, at = esc(view.audience or "everyone"), _scheduled_for(view, zone)
    who = f"{esc(held.author)}, who wrote it," if held.author else "its author"
    role = "an Attune operator" if held.reason == "not_admin" else "a facilitator of the team"
    return (
        f"An announcement to <b>{audience}</b>{at} was held back and not sent: {who} is no "
        f"longer {role}. “{_preview(view)}”\nIf it should still go out, send it yourself with "
        "/announce."
    )


def cancelled_by(cancelled: Cancelled) -> str:
    """To the author: someone else cancelled their scheduled announcement."""
    view, zone = cancelled.view, cancelled.author_zone
    audience, at = esc(view.audience or "everyone"), _scheduled_for(view, zone)
    who = esc(cancelled.by) if cancelled.by else "Another facilitator"
    return (
        f"{who} cancelled your announcement to <b>{audience}</b>{at}. Nothing was sent. "
        f"“{_preview(view)}”"
    )


def delivery_report(report: Report) -> str:
    """The author's report: delivered to N of M, and who could not be reached."""
    audience = esc(report.view.audience or "everyone")
    delivered = f"delivered to {report.delivered} of {report.total}"
    lines = [f"Your announcement to <b>{audience}</b>: {delivered}."]
    if report.unreachable:
        lines.append("Not reached:")
        lines += [f"• {esc(name)}: {esc(reason)}" for name, reason in report.unreachable]
    return "\n".join(lines)


def _preview(view: AnnouncementView) -> str:
    """The start of an announcement's first line, to recognise it by."""
    return esc((view.content.text or view.content.kind).splitlines()[0][:40])


def announcement_line(view: AnnouncementView, zone: str) -> str:
    """One entry in /announcements."""
    audience = esc(view.audience or "everyone")
    preview = _preview(view)
    if view.state == "scheduled" and view.scheduled_at is not None:
        return (
            f"#{view.id} to {audience}: scheduled for {when(view.scheduled_at, zone)}. “{preview}”"
        )
    if view.state == "held" and view.scheduled_at is not None:
        return (
            f"#{view.id} to {audience}: held back, not sent: its author could no longer send "
            f"it when its time came ({when(view.scheduled_at, zone)}). “{preview}”"
        )
    sent = view.counts.get("sent", 0)
    total = sum(view.counts.values())
    state = "sending" if view.state == "sending" else "sent"
    return f"#{view.id} to {audience}: {state}, delivered to {sent} of {total}. “{preview}”"
