"""Who the person at the terminal can be: the people (and group chats) of a demo.

``as NAME`` sits in that person's seat (their private chat with the bot), ``in group``
moves into a group chat as whoever is typing, ``as`` lists the seats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Seat:
    """A person (a user id) or a group chat (a negative chat id) to switch to."""

    name: str
    chat_id: int
    note: str = ""

    @property
    def is_group(self) -> bool:
        return self.chat_id < 0


def find(seats: Sequence[Seat], wanted: str) -> Seat | None:
    """The seat named ``wanted`` (any case), or the only one whose name starts so;
    ``group`` is the only group chat, if there is just one."""
    key = wanted.strip().lower()
    groups = [s for s in seats if s.is_group]
    if key == "group" and len(groups) == 1:
        return groups[0]
    exact = [s for s in seats if s.name.lower() == key]
    starting = [s for s in seats if s.name.lower().startswith(key)]
    found = exact or starting
    return found[0] if len(found) == 1 and key else None


def listing(seats: Sequence[Seat], user_id: int, chat_id: int) -> list[str]:
    """One line per seat, marking who is typing and where."""
    lines = ["People and chats (as NAME switches, in group / as group opens the group):"]
    for seat in seats:
        here = seat.chat_id in (user_id, chat_id)
        you = " <- you are here" if here else ""
        note = f": {seat.note}" if seat.note else ""
        lines.append(f"  {'*' if here else ' '} {seat.name}{note}{you}")
    return lines


def prompt(seats: Sequence[Seat], user_id: int, chat_id: int) -> str:
    """``you> `` alone; with seats, the name typing and the group it types in."""
    names = {seat.chat_id: seat.name for seat in seats}
    if user_id not in names:
        return "you> "
    where = "@group" if chat_id != user_id else ""
    return f"{names[user_id].lower()}{where}> "
