"""`attune demo`: a person completes onboarding and a full lesson with its quiz."""

from __future__ import annotations

import io

from bot.demo import run_demo
from tests.e2e.harness import LESSONS

SCRIPT = "\n".join(
    ["/start", "b 1", "b 5", "b 3", "b 14", "b 1", "ff", "p 1", "p 1", "/progress", "quit"]
)


def test_a_scripted_demo_session_reaches_the_day_summary() -> None:
    out = io.StringIO()
    status = run_demo("Sam", lessons_dir=LESSONS, stdin=io.StringIO(SCRIPT + "\n"), stdout=out)
    transcript = out.getvalue()
    assert status == 0, transcript
    assert "welcome to Attune" in transcript
    assert "Your first lesson arrives" in transcript
    assert "Try this:" in transcript and "[Quiz]" in transcript
    assert "That's today done" in transcript
    assert "Current streak: 1 lesson day" in transcript
