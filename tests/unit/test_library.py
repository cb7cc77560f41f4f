"""The shipped library: complete, valid, and within Telegram's limits once rendered."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content.loader import load_library
from bot.content.model import Library
from bot.limits import MESSAGE_TEXT, telegram_length
from bot.telegram import texts

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
CORE = ("cultural-humility", "trauma-informed-care", "burnout-prevention")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(LESSONS, datetime.now(UTC).date())


def test_core_tracks_have_thirty_lessons_and_optional_tracks_ten(library: Library) -> None:
    for track in library.tracks.values():
        minimum = 30 if track.id in CORE else 10
        assert len(track.lesson_ids) >= minimum, track.id
        assert track.core == (track.id in CORE)
    assert set(CORE) <= set(library.tracks)
    assert len(library.tracks) >= 7


def test_every_lesson_has_two_four_option_questions_and_a_source(library: Library) -> None:
    for lesson in library.lessons.values():
        assert len(lesson.questions) == 2, lesson.id
        assert all(len(q.options) == 4 for q in lesson.questions), lesson.id
        assert lesson.source_ids, lesson.id
        assert not lesson.sensitive or lesson.content_note, lesson.id


def test_no_two_lessons_share_a_title_or_a_question(library: Library) -> None:
    titles = [lesson.title.lower() for lesson in library.lessons.values()]
    questions = [q.text for lesson in library.lessons.values() for q in lesson.questions]
    assert len(set(titles)) == len(titles)
    assert len(set(questions)) == len(questions)


def test_every_rendered_lesson_fits_one_message(library: Library) -> None:
    for lesson in library.lessons.values():
        track = library.tracks[lesson.track_id]
        text = texts.lesson_message(lesson, library.sources_for(lesson), track.title, False)
        assert telegram_length(text) <= MESSAGE_TEXT, lesson.id


def test_every_suicide_track_lesson_is_marked_and_points_to_help(library: Library) -> None:
    for lesson in library.track_lessons("suicide-first-response"):
        assert lesson.sensitive and lesson.content_note, lesson.id
