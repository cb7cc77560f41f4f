"""Names shown to other people: nothing hidden, nothing that passes for Attune."""

from __future__ import annotations

import pytest

from bot.learning.names import has_hidden, imitates_system, visible_name
from bot.services.teams import TeamProblem, clean_name
from bot.telegram.handlers.challenges import _safe_cell


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Ann\u202e", "Ann"),  # right-to-left override
        ("\u200bBen\u200b", "Ben"),  # zero-width spaces
        ("\u3164", ""),  # Hangul filler: looks blank
        ("Cho  \u2800 Lee", "Cho Lee"),  # braille blank
        ("Dev\u2066id\u2069", "Devid"),  # isolates
        ("Émile", "Émile"),
        ("李明", "李明"),
        ("x" * 100, "x" * 64),
    ],
)
def test_first_names_are_cleaned_of_hidden_characters(raw: str, shown: str) -> None:
    assert visible_name(raw) == shown
    assert not has_hidden(visible_name(raw))


@pytest.mark.parametrize("name", ["\u3164", "\u2800\u2800", "Team\u202e", " ", "Clinic\u200b"])
def test_team_names_that_look_blank_or_hide_text_are_refused(name: str) -> None:
    with pytest.raises(TeamProblem, match="bad_name"):
        clean_name(name)


@pytest.mark.parametrize(
    "name",
    ["Attune · notice", "attune support", "📣 Riverside", "Riverside · announcement",
     "Official notice"],
)  # fmt: skip
def test_team_names_that_imitate_a_system_notice_are_refused(name: str) -> None:
    assert imitates_system(name)
    with pytest.raises(TeamProblem, match="name_like_notice"):
        clean_name(name)


@pytest.mark.parametrize("name", ["Riverside Clinic", "Ward 7 nurses", "Équipe Nord", "心理科"])
def test_ordinary_team_names_are_kept(name: str) -> None:
    assert clean_name(name) == name


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=HYPERLINK()", "\t@x", "\rplain"]
)
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(cell: str) -> None:
    assert _safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ann", "3", "Ann-Marie", "a=b"])
def test_ordinary_csv_cells_are_left_alone(cell: str) -> None:
    assert _safe_cell(cell) == cell


def test_the_consent_question_says_facilitators_see_the_first_name() -> None:
    from bot.telegram.texts import join_consent

    text = join_consent("Riverside")
    assert "with your first name" in text
    assert "/teamstats" in text and "exports" in text and "announcements" in text
    assert "team board" in text
