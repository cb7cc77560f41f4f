"""The lesson checker: every problem reported precisely, never a traceback."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.content.loader import ContentError, check_library, load_library

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"
TODAY = date(2026, 11, 22)
LESSON = "cultural-humility/competence-vs-humility.yaml"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    target = tmp_path / "lessons"
    shutil.copytree(FIXTURE, target)
    return target


def edit(directory: Path, relative: str, change) -> None:  # type: ignore[no-untyped-def]
    path = directory / relative
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def problems(directory: Path) -> list[str]:
    return [str(p) for p in check_library(directory, TODAY)[1]]


def test_the_fixture_library_is_valid(library: Path) -> None:
    loaded = load_library(library, TODAY)
    assert len(loaded.lessons) == 4 and set(loaded.tracks) == {
        "cultural-humility",
        "burnout-prevention",
    }


def test_an_explanation_of_201_characters_is_refused_with_its_place(library: Path) -> None:
    edit(library, LESSON, lambda d: d["questions"][0].update(explanation="x" * 201))
    found = problems(library)
    assert found == [
        f"{library / LESSON}: questions[0].explanation: is 201 characters; the limit is 200"
    ]


def test_a_question_without_a_correct_option_is_refused(library: Path) -> None:
    def no_correct(data: dict) -> None:  # type: ignore[type-arg]
        for option in data["questions"][1]["options"]:
            option.pop("correct", None)

    edit(library, LESSON, no_correct)
    assert problems(library) == [
        f"{library / LESSON}: questions[1].options: exactly one option must be correct; "
        "none is marked"
    ]


def test_the_cli_exits_non_zero_and_lists_every_problem(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def break_several(data: dict) -> None:  # type: ignore[type-arg]
        data["questions"][0]["explanation"] = "x" * 201
        data["questions"][0]["question"] = "q" * 301
        data["questions"][1]["options"][0]["text"] = "o" * 101
        data["questions"][1]["options"][0]["correct"] = True
        data["sources"].append("nobody2020")
        data["last_reviewed"] = "2099-01-01"
        data["titel"] = "typo"
        data["sensitive"] = True
        data.pop("content_note", None)

    edit(library, LESSON, break_several)
    assert main(["lessons", "check", str(library)]) == 1
    out = capsys.readouterr().out
    for expected in (
        "questions[0].explanation: is 201 characters",
        "questions[0].question: is 301 characters; the limit is 300",
        "questions[1].options[0].text: is 101 characters; the limit is 100",
        "questions[1].options: exactly one option must be correct; 2 are marked",
        "sources: 'nobody2020' is unregistered",
        "last_reviewed: 2099-01-01 is in the future",
        "titel: unknown field",
        "content_note: is required",
    ):
        assert expected in out, expected


def test_explanation_line_breaks_and_emoji_are_counted_as_telegram_does(library: Path) -> None:
    edit(library, LESSON, lambda d: d["questions"][0].update(explanation="a\nb\nc\nd"))
    edit(library, LESSON, lambda d: d["questions"][1].update(explanation="🙂" * 101))
    found = "\n".join(problems(library))
    assert "has 3 line breaks; at most 2" in found
    assert "questions[1].explanation: is 202 characters" in found


def test_cross_references_are_checked(library: Path) -> None:
    track = "cultural-humility/track.yaml"
    edit(library, track, lambda d: d["lessons"].append("ch-missing"))
    edit(library, track, lambda d: d["lessons"].remove("ch-three-tenets"))
    registry = library / "sources" / "fixture.yaml"
    entries = yaml.safe_load(registry.read_text())
    entries.append({**entries[0], "id": "unused1999"})
    registry.write_text(yaml.safe_dump(entries, allow_unicode=True))
    found = "\n".join(problems(library))
    assert "'ch-missing' has no file" in found
    assert "three-tenets.yaml: id: is not listed in its track.yaml" in found
    assert "unused1999: is cited by no lesson" in found


def test_duplicate_ids_are_refused(library: Path) -> None:
    copy = library / "cultural-humility" / "copy.yaml"
    shutil.copy(library / LESSON, copy)
    found = "\n".join(problems(library))
    assert "copy.yaml: id: 'ch-competence-vs-humility' is also used by" in found


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id: [unclosed\n", "is not valid YAML: line 2"),
        (b"- just\n- a list\n", "expected a mapping of fields, found a list"),
        (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
        (b"", "is empty"),
        (b"id: 12\ntrack: true\nquestions: oops\n", "id: must be text, found a number"),
        (b"a: &a [*a]\n", "unknown field"),
        (b"x" * (300 * 1024), "the limit is 256 KB"),
    ],
)
def test_malformed_files_give_a_precise_error(
    library: Path, content: bytes, expected: str
) -> None:
    (library / "cultural-humility" / "bad.yaml").write_bytes(content)
    found = "\n".join(problems(library))
    assert f"bad.yaml: {expected}" in found or expected in found


def test_load_library_raises_content_error_listing_problems(library: Path) -> None:
    (library / "cultural-humility" / "bad.yaml").write_text("id: [")
    with pytest.raises(ContentError) as raised:
        load_library(library, TODAY)
    assert raised.value.problems and "bad.yaml" in raised.value.problems[0].file


def test_a_missing_directory_is_one_problem(tmp_path: Path) -> None:
    assert problems(tmp_path / "nowhere") == [
        f"{tmp_path / 'nowhere'}: is not a directory of lessons"
    ]


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = ["id", "track", "title", "body", "try_this", "questions", "sources", "last_reviewed",
          "sensitive", "content_note", "reflect", "reviewed_by", "review_by", "status",
          "time_sensitive"]  # fmt: skip


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=YAML_VALUES)
def test_any_value_in_any_field_is_a_problem_not_a_crash(
    library: Path, field: str, value: object
) -> None:
    path = library / LESSON
    original = path.read_text()
    try:
        data = yaml.safe_load(original)
        data[field] = value
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        check_library(library, TODAY)
    finally:
        path.write_text(original)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes_are_a_problem_not_a_crash(library: Path, raw: bytes) -> None:
    path = library / "cultural-humility" / "fuzz.yaml"
    path.write_bytes(raw)
    try:
        _library, found = check_library(library, TODAY)
        assert found
    finally:
        path.unlink()


TRACK = "cultural-humility/track.yaml"
BURNOUT = "burnout-prevention/icd11-occupational.yaml"


def make_key_longest(data: dict) -> None:  # type: ignore[type-arg]
    """Lengthen each key a little past the longest distractor (a cue, but no wide margin)."""
    for question in data["questions"]:
        options = question["options"]
        longest = max(len(option["text"]) for option in options)
        for option in options:
            if option.get("correct"):
                option["text"] = option["text"].ljust(longest + 3, ".")


def test_a_track_whose_key_is_mostly_the_longest_option_is_refused(library: Path) -> None:
    edit(library, LESSON, make_key_longest)
    track_file = library / TRACK
    assert problems(library) == [
        f"{track_file}: questions: the correct option is the longest in 2 of 4 questions "
        "(50%); at most 30% (content guide, section 9)"
    ]


def test_a_key_far_longer_than_every_other_option_is_refused(library: Path) -> None:
    def wide(data: dict) -> None:  # type: ignore[type-arg]
        options = data["questions"][1]["options"]
        for option, text in zip(options, ["a" * 40, "b" * 50, "c" * 80, "d" * 30], strict=True):
            option["text"] = text

    edit(library, LESSON, wide)
    assert problems(library) == [
        f"{library / LESSON}: questions[1].options: the correct option is 1.6 times as long as "
        "the next; at most 1.5 (a length cue)"
    ]


def test_absolute_words_in_more_than_8_percent_of_wrong_options_are_refused(
    library: Path,
) -> None:
    def absolute(data: dict) -> None:  # type: ignore[type-arg]
        data["questions"][0]["options"][0]["text"] = "Clients always know what they need."

    edit(library, BURNOUT, absolute)
    assert problems(library) == [
        f"{library / 'burnout-prevention/track.yaml'}: questions: 1 of 12 wrong options use "
        "always/never/only/all (8%); at most 8%"
    ]
    edit(library, BURNOUT, lambda d: d["questions"][1]["options"][0].update(text="Never, at all."))
    assert problems(library) == [
        f"{library / 'burnout-prevention/track.yaml'}: questions: 2 of 12 wrong options use "
        "always/never/only/all (17%); at most 8%"
    ]


def test_all_of_the_above_is_refused(library: Path) -> None:
    edit(
        library, LESSON, lambda d: d["questions"][0]["options"][3].update(text="None of the above")
    )
    assert problems(library) == [
        f'{library / LESSON}: questions[0].options: no "all of the above" or "none of the above" '
        "options"
    ]


def test_every_lesson_names_its_reviewer_status_and_next_review(library: Path) -> None:
    def strip(data: dict) -> None:  # type: ignore[type-arg]
        del data["reviewed_by"]
        data["status"] = "approved-by-nobody"
        data["review_by"] = "2026-11-01"

    edit(library, LESSON, strip)
    assert problems(library) == [
        f"{library / LESSON}: review_by: must be after last_reviewed",
        f"{library / LESSON}: reviewed_by: is required",
        f"{library / LESSON}: status: 'approved-by-nobody' is not one of: "
        "draft-clinical-review, clinically-reviewed",
    ]


def test_a_time_sensitive_lesson_is_due_again_within_six_months(library: Path) -> None:
    edit(library, LESSON, lambda d: d.update(time_sensitive=True, review_by="2027-11-22"))
    assert problems(library) == [
        f"{library / LESSON}: review_by: must be within 183 days of last_reviewed"
    ]
    edit(library, LESSON, lambda d: d.update(review_by="2027-05-01"))
    assert problems(library) == []


def test_tracks_need_objectives_and_core_lessons_a_reflection_prompt(library: Path) -> None:
    edit(library, TRACK, lambda d: d.update(objectives=["Only one"]))
    edit(library, LESSON, lambda d: d.pop("reflect"))
    assert problems(library) == [
        f"{library / LESSON}: reflect: is required in a core track",
        f"{library / TRACK}: objectives: has 1 entries; expected 3 to 5",
    ]


def test_mirror_and_social_hosts_are_not_sources(library: Path) -> None:
    registry = library / "sources" / "fixture.yaml"
    data = yaml.safe_load(registry.read_text())
    data[0]["url"] = "https://www.researchgate.net/publication/123_paper"
    registry.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert problems(library) == [
        f"{registry}: [0].url: is a copy or social post; cite the DOI or the official page"
    ]


def test_stale_lists_lessons_due_for_review(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(library, LESSON, lambda d: d.update(review_by="2026-12-20", time_sensitive=True))
    assert main(["lessons", "stale", str(library), "--within", "36500"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "2026-12-20  ch-competence-vs-humility (time-sensitive)  [draft-clinical-review]"
    )
    assert lines[-1] == "4 lesson(s) due for review within 36500 days"
    assert main(["lessons", "stale", str(library), "--within", "0"]) == 0
    assert "lesson(s) due for review within 0 days" in capsys.readouterr().out


def test_items_reports_cues_per_track_and_per_question(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lessons", "items", str(library)]) == 0
    out = capsys.readouterr().out
    assert "burnout-prevention: 4 questions; correct is longest 25%" in out
    lines = out.splitlines()
    first_question = lines.index("Per question (cued first):") + 1
    assert lines[first_question].startswith("  bp-icd11-occupational q1: key longest x1.03;")
    assert "  bp-maslach-three-dimensions q2: no static cue; option lengths" in out


def test_a_track_whose_key_is_mostly_the_shortest_option_is_refused(library: Path) -> None:
    def key_shortest(data: dict) -> None:  # type: ignore[type-arg]
        for question in data["questions"]:
            for option in question["options"]:
                if option.get("correct"):
                    option["text"] = "Yes."

    edit(library, LESSON, key_shortest)
    track_file = library / TRACK
    assert problems(library) == [
        f"{track_file}: questions: the correct option is the shortest in 3 of 4 questions "
        "(75%); at most 30% (a reverse length cue)"
    ]
