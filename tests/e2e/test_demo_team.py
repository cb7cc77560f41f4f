"""`attune demo --team`: a facilitator's week with simulated colleagues, scripted through
the terminal exactly as a person would type it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from bot.demo import run_demo
from tests.e2e.harness import LIBRARY

COLLEAGUES = ("Maya", "Tom", "Priya", "Lena", "Omar")
SCRIPT = [
    "as",
    "ff 7d",
    "/teamstats",
    "/announce",
    "Team meeting moved to Thursday 9:00. Bring one case where culture shaped the plan.",
    "b 1",
    "ff 2h",
    *(f"as {name}\n/team" if name == "Maya" else f"as {name}" for name in COLLEAGUES),
    "in group",
    "as Sam",
    "/export",
    "quit",
]


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """One scripted session (the shipped library: a two-week challenge needs its
    tracks), read by every test below."""
    files = tmp_path_factory.mktemp("files")
    out = io.StringIO()
    script = io.StringIO("\n".join(SCRIPT) + "\n")
    status = run_demo("Sam", lessons_dir=LIBRARY, stdin=script, stdout=out, files=files, team=True)
    assert status == 0, out.getvalue()
    return out.getvalue(), files


def after(transcript: str, prompt_line: str) -> str:
    """What the terminal printed after ``prompt_line``, up to the next prompt."""
    start = transcript.index(prompt_line) + len(prompt_line)
    following = re.search(r"^[a-z]+(@group)?> ", transcript[start:], re.MULTILINE)
    return transcript[start : start + following.start()] if following else transcript[start:]


def test_the_terminal_lists_who_is_here(transcript: tuple[str, Path]) -> None:
    listing = after(transcript[0], "sam> as\n")
    assert "* Sam: facilitator (London) <- you are here" in listing
    for name in COLLEAGUES:
        assert f"    {name}: " in listing
    assert "declined to be named" in listing and "joins late" in listing
    assert "Riverside Clinic staff room" in listing


def test_a_week_later_teamstats_shows_colleagues_with_completions(
    transcript: tuple[str, Path],
) -> None:
    text = transcript[0]
    week = after(text, "sam> ff 7d\n")
    assert "Meanwhile in Riverside Clinic:" in week and "Lena joined the team" in week
    assert "skipped the lesson" in week  # not everyone is diligent
    stats = after(text, "sam> /teamstats\n")
    done = dict(re.findall(r"^    (\w+): (\d+), streak \d+$", stats, re.MULTILINE))
    assert sum(int(done.get(name, 0)) > 0 for name in COLLEAGUES) >= 3, stats
    assert int(done["Maya"]) == 7 and int(done["Tom"]) < 5  # diligent Maya, Tom misses days


def test_an_announcement_reaches_every_colleague(transcript: tuple[str, Path]) -> None:
    text = transcript[0]
    assert "delivered to 5 of 5" in after(text, "sam> b 1\n")
    assert "reacted 👍 to the announcement" in after(text, "sam> ff 2h\n")
    for name in COLLEAGUES:
        chat = after(text, f"sam> as {name}\n" if name == "Maya" else f"> as {name}\n")
        assert f"(you are now {name}; this is {name}'s chat with the bot)" in chat
        assert "📣 Riverside Clinic · announcement" in chat, name
        assert "Team meeting moved to Thursday 9:00" in chat, name
    assert "[reactions: 👍]" in after(text, "sam> as Maya\n")


def test_a_colleague_sees_their_own_view(transcript: tuple[str, Path]) -> None:
    board = after(transcript[0], "maya> /team\n")
    assert "Riverside Clinic: Cultural humility challenge" in board
    assert re.search(r"Maya: \d", board) and "Priya" not in board  # Priya is not named


def test_the_group_gets_the_evening_digest(transcript: tuple[str, Path]) -> None:
    group = after(transcript[0], "> in group\n")
    assert "(in Riverside Clinic staff room, typing as Omar)" in group
    assert "This group is now linked to Riverside Clinic" in group or "day 7 of 14" in group
    assert re.search(r"Cultural humility challenge, day \d+ of 14: \d of \d did today", group)


def test_the_export_is_saved_where_it_can_be_opened(transcript: tuple[str, Path]) -> None:
    text, files = transcript
    saved = re.search(r"\[file: (\S+\.csv)\] saved as (\S+)", after(text, "sam> /export\n"))
    assert saved, text[-2000:]
    rows = list(csv.reader(io.StringIO(Path(saved[2]).read_text())))
    assert rows[0][:3] == ["member", "lessons completed", "current streak"]
    assert Path(saved[2]).parent == files
