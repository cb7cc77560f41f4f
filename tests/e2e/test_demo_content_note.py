"""`attune demo` on the shipped library: a sensitive lesson's note, skipped, then shown.

A file of its own (not test_demo.py) so the demo's team scenes can grow there freely.
"""

from __future__ import annotations

import io

from bot.demo import run_demo
from tests.e2e.harness import LIBRARY

TRACK = "Suicide-risk first response"  # every lesson on it is sensitive
SCRIPT = ["/start", "b 9", "b 15", "b 3", "b 14", "b 1", "ff", "b 2", "/progress", "ff",
          "b 1", "p 1", "p 1", "quit"]  # fmt: skip


def test_a_demo_learner_sees_a_content_note_skips_it_and_opens_the_next() -> None:
    out = io.StringIO()
    status = run_demo("Sam", lessons_dir=LIBRARY, stdin=io.StringIO("\n".join(SCRIPT) + "\n"),
                      stdout=out)  # fmt: skip
    transcript = out.getvalue()
    assert status == 0, transcript
    assert f"(you pressed: {TRACK})" in transcript, "the track picker's order changed"
    assert "b 2 skips it today" in transcript
    skipped, rest = transcript.split("(you pressed: Skip today)")
    first_note = skipped.rsplit("(fast-forward)", 1)[1]
    assert "Today's lesson comes with a content note" in first_note
    assert "[1] Show the lesson  [2] Skip today" in first_note
    assert "Try this:" not in first_note and "[Quiz]" not in first_note
    after_skip, next_day = rest.split("(fast-forward)", 1)
    assert "Skipped for today" in after_skip and "Current streak: 0 lesson days" in after_skip
    assert "[Quiz]" not in after_skip and "Try this:" not in after_skip
    assert "Try this:" in next_day and "[Quiz]" in next_day
    assert "That's today done" in next_day
    notes = [line for line in transcript.splitlines() if line.startswith("    Discusses")]
    assert len(set(notes)) == 2, f"the next day brings another lesson: {notes}"
