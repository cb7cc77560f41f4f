"""The private journal: notes, reflections, how a practice went, and what is never saved."""

from __future__ import annotations

from bot.learning.schedule import zone_info
from bot.safety.identifiers import Finding, IdentifierKind
from bot.services.journal import MAX_ENTRY_CHARACTERS, EntryView, JournalView
from bot.telegram.texts.common import esc, plural

PRIVATE_NOTE = (
    "Only you can read it: facilitators and teams never see your journal. /mydata has "
    "a copy, /deletemydata erases it."
)
ASK_JOURNAL = (
    "What would you like to note? Send it in one message. Please leave out anything that "
    "could identify a client (names, dates, numbers). /cancel to stop."
)
JOURNAL_EMPTY = (
    "<b>Your journal</b> is empty so far. It keeps short private notes: what stayed with "
    f"you after a lesson, or how a practice went. {PRIVATE_NOTE}\n\n"
    "Write one with <code>/journal your note</code>, or send /journal and then the note. "
    "<code>/journal keep 90</code> deletes entries after 90 days."
)
JOURNAL_CANCELLED = "Cancelled. Nothing was saved."
JOURNAL_TOO_LONG = (
    f"That's longer than a journal entry can be ({MAX_ENTRY_CHARACTERS} characters). "
    "Nothing was saved; a shorter version is welcome."
)
JOURNAL_EMPTY_NOTE = "There was nothing to save. Send the note as text, or /cancel."
JOURNAL_KEEP_USAGE = (
    "How long should entries be kept? <code>/journal keep 90</code> (days, 1 to 3650), or "
    "<code>/journal keep off</code> to keep them until you delete them."
)

_KINDS = {
    IdentifierKind.EMAIL: "an e-mail address",
    IdentifierKind.PHONE: "a phone number",
    IdentifierKind.DATE: "a date (it could be a date of birth)",
    IdentifierKind.NUMBER: "a long number (like a record or ID number)",
    IdentifierKind.NAME: "what may be a client's name",
}
_ENTRY_KINDS = {"reflection": "Reflection", "practice": "Practice"}


def journal_refused(findings: tuple[Finding, ...]) -> str:
    """Name what looked identifying, ask for it to go, and say that nothing was kept."""
    lines = "\n".join(f"• {_KINDS[f.kind]}: “{esc(f.text[:60])}”" for f in findings)
    return (
        "Before I save this: it seems to hold something that could identify a client.\n"
        f"{lines}\n\nPlease send it again without that (a role or an initial is enough). "
        "Nothing was saved. /cancel to stop."
    )


def journal_saved(entry: EntryView) -> str:
    """Confirm a saved entry, and how long it stays."""
    about = f" on “{esc(entry.lesson_title)}”" if entry.lesson_title else ""
    kept = (
        f"It is deleted after {plural(entry.keep_days, 'day')}."
        if entry.keep_days
        else "It stays until you delete it."
    )
    return f"Saved to your journal{about}. {kept} {PRIVATE_NOTE}"


def journal_listing(view: JournalView) -> str:
    """/journal: the newest entries, then how to add one."""
    if not view.entries:
        return JOURNAL_EMPTY
    zone = zone_info(view.zone)
    lines = [f"<b>Your journal</b> ({plural(view.total, 'entry', 'entries')}, newest first)"]
    for entry in view.entries:
        day = entry.created_at.astimezone(zone)
        tag = _ENTRY_KINDS.get(entry.kind, "")
        about = f" · {esc(entry.lesson_title)}" if entry.lesson_title else ""
        heading = f"{day:%a} {day.day} {day:%b}" + (f" · {tag}" if tag else "") + about
        lines.append(f"\n<i>{heading}</i>\n{esc(entry.text)}")
    shown = len(view.entries)
    if view.total > shown:
        lines.append(f"\n…and {view.total - shown} older. /mydata has every entry.")
    lines.append("\n" + keep_line(view.keep_days))
    return "\n".join(lines)


def keep_line(days: int | None) -> str:
    """How long entries are kept, and how to change it."""
    if days:
        return (
            f"Entries are deleted after {plural(days, 'day')} "
            "(<code>/journal keep off</code> keeps them)."
        )
    return "Entries stay until you delete them (<code>/journal keep 90</code> sets a limit)."


def keep_set(days: int | None) -> str:
    """Confirm a new keeping rule."""
    if days:
        return f"Done: entries are deleted {plural(days, 'day')} after you write them."
    return "Done: entries stay until you delete them (/deletemydata erases everything)."
