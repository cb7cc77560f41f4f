"""How the terminal chat shows things: bot messages, a quiz's outcome, saved files.

Pure functions from the emulator's records to lines of text, so the terminal loop in
``terminal.py`` only reads input, acts and prints.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.emulator.models import CallbackAnswer, Download, StoredMessage

INDENT = "    "


def render(message: StoredMessage, edited: bool = False, saved: Path | None = None) -> list[str]:
    """A bot message as terminal lines: text or caption, file, poll, numbered buttons.

    ``saved`` is where the message's file or picture was written, so it can be opened.
    """
    head = f"bot #{message.message_id}{' (edited)' if edited else ''}: "
    lines: list[str] = []
    where = f" saved as {saved}" if saved is not None else ""
    if message.document:
        lines.append(f"[file: {message.document.get('file_name', 'file')}]{where}")
    if message.photo:
        lines.append(f"[photo]{where}")
    if message.text or message.caption:
        lines.extend((message.text or message.caption or "").splitlines() or [""])
    if message.poll:
        lines.extend(_render_poll(message.poll))
    if message.reactions:
        lines.append(f"[reactions: {' '.join(r['emoji'] for r in message.reactions)}]")
    if message.deleted:
        lines = ["(deleted)"]
    lines = lines or [""]
    out = [head + lines[0]] + [INDENT + line for line in lines[1:]]
    out.extend(_render_buttons(message))
    return out


def _render_poll(poll: dict[str, Any]) -> list[str]:
    kind = "Quiz" if poll.get("type") == "quiz" else "Poll"
    closed = " (closed)" if poll.get("is_closed") else ""
    lines = [f"[{kind}{closed}] {poll.get('question', '')}"]
    for index, option in enumerate(poll.get("options", []), start=1):
        lines.append(f"  {index}) {option.get('text', '')}")
    if not poll.get("is_closed"):
        lines.append("  (answer with: p N)")
    return lines


def _render_buttons(message: StoredMessage) -> list[str]:
    lines, number = [], 1
    for row in message.buttons:
        cells = []
        for button in row:
            cells.append(f"[{number}] {button.get('text', '')}")
            number += 1
        lines.append(INDENT + "  ".join(cells))
    return lines


def looks(message: StoredMessage) -> str:
    """What the message looks like, to tell a real edit (new text, buttons, a closed
    poll) from moved vote counts; edit times alone miss two edits within a second."""
    poll = message.poll or {}
    options = [option.get("text") for option in poll.get("options", [])]
    shape = (poll.get("question"), options, poll.get("is_closed"))
    return repr((message.deleted, message.text, message.caption, message.reply_markup, shape))


def quiz_outcome(poll: dict[str, Any], chosen: list[int]) -> list[str]:
    """What Telegram shows once you vote in a quiz: right or not, the answer, the 💡.

    A regular poll shows nothing more than the vote itself.
    """
    if poll.get("type") != "quiz":
        return []
    options = [option.get("text", "") for option in poll.get("options", [])]
    correct = [i for i in poll.get("correct_option_ids", []) if 0 <= i < len(options)]
    if sorted(chosen) == sorted(correct):
        lines = ["✅ Right."]
    else:
        lines = [f"❌ Not quite. The answer: {' / '.join(options[i] for i in correct)}"]
    explanation = (poll.get("explanation") or "").splitlines()
    if explanation:
        lines.append(f"💡 {explanation[0]}")
        lines.extend(f"   {line}" for line in explanation[1:])
    return [INDENT + line for line in lines]


def toast(answer: CallbackAnswer) -> str | None:
    """The little notice (or alert box) a button's answer shows, if it has text."""
    if not answer.text:
        return None
    return f"({'alert' if answer.show_alert else 'toast'}: {answer.text})"


def flat_buttons(message: StoredMessage) -> list[dict[str, Any]]:
    return [button for row in message.buttons for button in row]


def file_id_of(message: StoredMessage) -> str | None:
    """The file a message carries (a picture's largest size), if any."""
    found = message.document or (message.photo[-1] if message.photo else None)
    return str(found["file_id"]) if found and "file_id" in found else None


UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
EXTENSIONS = {b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg", b"GIF8": ".gif", b"%PDF": ".pdf"}


def file_name(message: StoredMessage, download: Download) -> str:
    """A safe, readable name: the sent name, or ``photo-N`` with the picture's type."""
    name = UNSAFE.sub("-", download.file_name or "").strip("-.")
    if message.document and name:
        return name
    found = (ext for magic, ext in EXTENSIONS.items() if download.data.startswith(magic))
    return f"{'photo' if message.photo else 'file'}-{message.message_id}{next(found, '.bin')}"


def save(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` under ``folder``; a name already taken gets ``-2``, ``-3``, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    target, stem, suffix, number = folder / name, Path(name).stem, Path(name).suffix, 2
    while target.exists():
        target = folder / f"{stem}-{number}{suffix}"
        number += 1
    target.write_bytes(data)
    return target
