"""`attune lessons items --db`: item statistics from real answers, by the lesson's option."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.cli import main
from bot.store import schema
from bot.store.engine import Database
from bot.store.models import Answer, Delivery, Learner

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
NOW = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
LESSON = "ch-three-tenets"  # q1's key is option B (index 1)


def answers_db(path: Path, chosen: list[int]) -> str:
    """A database where one learner per entry of ``chosen`` answered q1 with that option."""
    url = f"sqlite:///{path}"
    db = Database(url)
    schema.upgrade(db.engine)
    with db.engine.begin() as connection:
        for n, option in enumerate(chosen, start=1):
            connection.execute(insert(Learner), {
                "id": n, "chat_id": n, "first_name": "", "created_at": NOW, "tracks": "",
                "days_mask": 127, "onboarded": True, "status": "active",
            })  # fmt: skip
            connection.execute(insert(Delivery), {
                "id": n, "learner_id": n, "local_date": date(2026, 3, 2), "lesson_id": LESSON,
                "track_id": "cultural-humility", "created_at": NOW,
            })  # fmt: skip
            connection.execute(insert(Answer), {
                "learner_id": n, "delivery_id": n, "lesson_id": LESSON, "question_id": "q1",
                "option_index": option, "correct": option == 1, "answered_at": NOW,
            })  # fmt: skip
    db.dispose()
    return url


def test_items_with_db_reports_answers_right_share_and_each_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = answers_db(tmp_path / "a.db", [1] * 12 + [0] * 6 + [2] * 2)
    assert main(["lessons", "items", str(FIXTURE), "--db", url]) == 0
    out = capsys.readouterr().out
    assert "  ch-three-tenets q1: 20 answers, 60% right; A 30% B* 60% C 10% D 0%" in out
    assert "a wrong option nobody chose" in out
    assert "1 of 8 questions answered so far" in out


def test_a_distractor_that_beats_the_key_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = answers_db(tmp_path / "a.db", [0] * 10 + [1] * 5 + [2] * 3 + [3] * 2)
    assert main(["lessons", "items", str(FIXTURE), "--db", url]) == 0
    out = capsys.readouterr().out
    assert "25% right" in out and "a wrong option drew more than the key" in out


def test_items_with_a_missing_database_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'nowhere.db'}"
    assert main(["lessons", "items", str(FIXTURE), "--db", url]) == 1
    assert "no database file" in capsys.readouterr().err
    assert not (tmp_path / "nowhere.db").exists()


def test_static_items_show_the_key_spread_evenly_once_options_are_shuffled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Whatever the file order, learners see the key at A, B, C and D about equally."""
    assert main(["lessons", "items", str(FIXTURE)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "key shown at" in line]
    assert lines
    for line in lines:
        shares = [int(part.split(":")[1].rstrip("%")) for part in line.split()[4:8]]
        assert len(shares) == 4 and all(20 <= share <= 30 for share in shares), line
