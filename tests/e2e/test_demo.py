"""`attune demo`: a person completes onboarding and a full lesson with its quiz."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from bot.demo import run_demo
from tests.e2e.harness import LESSONS

SCRIPT = "\n".join(
    [
        "/start",
        "b 1",
        "b 5",
        "b 3",
        "b 14",
        "b 1",
        "ff",
        "p 1",
        "p 1",
        "/progress",
        "/mydata",
        "quit",
    ]  # fmt: skip
)


def test_a_scripted_demo_session_reaches_the_day_summary(tmp_path: Path) -> None:
    out = io.StringIO()
    script = io.StringIO(SCRIPT + "\n")
    status = run_demo("Sam", lessons_dir=LESSONS, stdin=script, stdout=out, files=tmp_path)
    transcript = out.getvalue()
    assert status == 0, transcript
    assert "welcome to Attune" in transcript
    assert "Your first lesson arrives" in transcript
    assert "Try this:" in transcript and "[Quiz]" in transcript
    assert "That's today done" in transcript
    assert "Current streak: 1 lesson day" in transcript

    # The quiz shows its outcome as Telegram does after a vote; files land in the folder.
    assert f"saved in {tmp_path}" in transcript
    outcomes = re.findall(
        r"\(you answered: .*\)\n    (✅ Right\.|❌ Not quite\. The answer: .*)\n    💡 ",
        transcript,
    )
    assert len(outcomes) == 2, transcript
    saved = tmp_path / "attune-my-data.json"
    assert f"[file: attune-my-data.json] saved as {saved}" in transcript
    assert json.loads(saved.read_text())
