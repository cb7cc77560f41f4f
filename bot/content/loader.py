"""Load the lesson library from YAML files, validating every rule in one pass.

The bot refuses to start on invalid content and ``attune lessons check`` prints every
problem, so a broken lesson is caught by CI rather than by a clinician's phone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot import limits
from bot.content import item_cues
from bot.content.fields import SHORT_IDENTIFIER, FieldReader, Problem
from bot.content.model import Lesson, Library, Question, Review, ReviewStatus, Source, Track
from bot.limits import telegram_length

MAX_FILE_BYTES = 256 * 1024
MAX_BODY_WORDS = 180
TRACK_FIELDS = {"id", "title", "description", "order", "core", "objectives", "lessons"}
LESSON_FIELDS = {
    "id", "track", "title", "sensitive", "content_note", "body", "try_this", "reflect",
    "questions", "sources", "last_reviewed", "reviewed_by", "review_by", "status",
    "time_sensitive",
}  # fmt: skip
# A time-sensitive fact (a phone option, a guideline version) is re-checked within six
# months; everything else within two years.
REVIEW_WITHIN_DAYS = 730
TIME_SENSITIVE_REVIEW_WITHIN_DAYS = 183
# Copies of papers and posts are not sources: cite the publisher, a DOI or the
# official page, which stay put and say what the author actually published.
MIRROR_HOSTS = (
    "researchgate.net", "academia.edu", "scribd.com", "semanticscholar.org",
    "sci-hub", "libgen", "z-lib", "docplayer", "studocu.com", "coursehero.com",
    "slideshare.net", "issuu.com", "facebook.com", "twitter.com", "x.com",
    "linkedin.com", "instagram.com", "pinterest.", "reddit.com", "medium.com",
    "tiktok.com", "youtube.com", "quizlet.com", "yumpu.com", "dokumen.pub",
    "pdfcoffee.com", "documents.pub", "web.archive.org", "studylib.net", "9dok.net",
    "dokumen.tips", "vdocuments",
)  # fmt: skip
QUESTION_FIELDS = {"id", "question", "options", "explanation"}
OPTION_FIELDS = {"text", "correct"}
SOURCE_FIELDS = {"id", "authors", "year", "title", "published_in", "url"}


class ContentError(Exception):
    """The library is invalid; ``problems`` lists everything that is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the lesson library")
        self.problems = problems


def load_library(directory: Path, today: date) -> Library:
    """Load and validate the library, raising ``ContentError`` with every problem."""
    library, problems = check_library(directory, today)
    if problems or library is None:
        raise ContentError(problems)
    return library


def check_library(directory: Path, today: date) -> tuple[Library | None, list[Problem]]:
    """Validate the library; return it (when valid) and the sorted list of problems."""
    problems: list[Problem] = []
    if not directory.is_dir():
        return None, [Problem(str(directory), "", "is not a directory of lessons")]
    sources = _load_sources(directory, problems)
    tracks: dict[str, Track] = {}
    lessons: dict[str, Lesson] = {}
    found = _Found(tracks, lessons)
    for track_dir in sorted(p for p in directory.iterdir() if (p / "track.yaml").is_file()):
        _load_track(track_dir, today, found, problems)
    if not tracks:
        problems.append(Problem(str(directory), "", "no track folders (with track.yaml) found"))
    _check_cross_references(directory, found, sources, problems)
    problems.sort()
    if problems:
        return None, problems
    return Library(tracks=tracks, lessons=lessons, sources=sources), problems


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    """Parse one file, turning every way it can fail into a located problem."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(str(path), "", f"is {size} bytes; the limit is 256 KB"))
            return None
        raw = path.read_bytes()
        return yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        problems.append(Problem(str(path), "", f"is not UTF-8 text (byte {error.start})"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        problems.append(Problem(str(path), "", f"is not valid YAML: {where}{reason}"))
    except (OSError, RecursionError, ValueError) as error:
        problems.append(Problem(str(path), "", f"could not be read: {error}"))
    return None


def _load_sources(directory: Path, problems: list[Problem]) -> dict[str, Source]:
    """Merge every registry file under ``sources/``; an id may be registered only once."""
    sources: dict[str, Source] = {}
    files = sorted((directory / "sources").glob("*.yaml"))
    if not files:
        problems.append(Problem(str(directory / "sources"), "", "no source registry files"))
    for path in files:
        data = _read_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(Problem(str(path), "", "must be a list of sources"))
            continue
        for index, item in enumerate(data):
            source = _parse_source(FieldReader(str(path), item, problems, f"[{index}]"))
            if source is None:
                continue
            if source.id in sources:
                problems.append(Problem(str(path), f"[{index}].id", f"'{source.id}' is twice"))
            sources[source.id] = source
    return sources


def _is_mirror(url: str) -> bool:
    """True for hosts that copy other people's work rather than publish it."""
    host = url.removeprefix("https://").split("/", 1)[0].lower()
    return any(host == m or host.endswith("." + m) or m in host for m in MIRROR_HOSTS)


def _parse_source(reader: FieldReader) -> Source | None:
    """One registry entry: a full citation with a link readers can follow."""
    reader.reject_unknown(SOURCE_FIELDS)
    source_id = reader.identifier("id", SHORT_IDENTIFIER)
    authors = reader.text("authors", max_length=400)
    year = reader.integer("year", minimum=1800, maximum=2100)
    title = reader.text("title", max_length=400)
    published_in = reader.text("published_in", max_length=400)
    url = reader.text("url", max_length=400)
    if url is not None and not url.startswith("https://"):
        reader.problem("url", "must be a DOI link or official https:// address")
    elif url is not None and _is_mirror(url):
        reader.problem("url", "is a copy or social post; cite the DOI or the official page")
    values = (source_id, authors, year, title, published_in, url)
    if any(value is None for value in values):
        return None
    # The type: ignore below: every value was checked not None just above.
    return Source(*values)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class _Found:
    """What the loader has read so far, and where each lesson came from."""

    tracks: dict[str, Track]
    lessons: dict[str, Lesson]
    paths: dict[str, str] = field(default_factory=dict)
    citations: dict[str, list[str]] = field(default_factory=dict)

    def note_file(self, path: Path, data: Any) -> None:
        """Remember a lesson file's id and citations even if it fails validation.

        Cross-references then stay exact: an invalid lesson is not also reported as
        missing, and its sources are neither unused nor unchecked.
        """
        if not isinstance(data, dict):
            return
        if isinstance(data.get("id"), str):
            self.paths.setdefault(data["id"], str(path))
        cited = data.get("sources")
        if isinstance(cited, list):
            self.citations[str(path)] = [str(item) for item in cited]


def _load_track(track_dir: Path, today: date, found: _Found, problems: list[Problem]) -> None:
    """Load one track folder: its ``track.yaml`` and every lesson file beside it."""
    track_file = track_dir / "track.yaml"
    track = _parse_track(FieldReader(str(track_file), _read_yaml(track_file, problems), problems))
    if track is not None:
        if track.id != track_dir.name:
            problems.append(Problem(str(track_file), "id", "must match the folder name"))
        found.tracks[track.id] = track
    for path in sorted(track_dir.glob("*.y*ml")):
        if path.name == "track.yaml":
            continue
        data = _read_yaml(path, problems)
        if data is None and not any(p.file == str(path) for p in problems):
            problems.append(Problem(str(path), "", "is empty"))
        if data is None:
            continue
        lesson = _parse_lesson(FieldReader(str(path), data, problems), today)
        if lesson is not None and lesson.id in found.paths:
            other = found.paths[lesson.id]
            problems.append(Problem(str(path), "id", f"'{lesson.id}' is also used by {other}"))
            continue
        found.note_file(path, data)
        if lesson is None:
            continue
        if track is not None and lesson.track_id != track.id:
            problems.append(Problem(str(path), "track", f"must be '{track.id}' (its folder)"))
        found.lessons[lesson.id] = lesson


def _parse_track(reader: FieldReader) -> Track | None:
    """The track's metadata and its lesson order."""
    reader.reject_unknown(TRACK_FIELDS)
    track_id = reader.identifier("id")
    title = reader.text("title", max_length=60)
    description = reader.text("description", max_length=200)
    order = reader.integer("order", minimum=0, maximum=999)
    core = reader.boolean("core", default=False)
    objectives = tuple(
        text
        for index, item in enumerate(reader.sequence("objectives", minimum=3, maximum=5) or [])
        if (text := _objective(reader, index, item)) is not None
    )
    raw_ids = reader.sequence("lessons", minimum=1, maximum=500) or []
    lesson_ids = tuple(str(item) for item in raw_ids)
    for lesson_id, count in Counter(lesson_ids).items():
        if count > 1:
            reader.problem("lessons", f"'{lesson_id}' is listed {count} times")
    if None in (track_id, title, description, order):
        return None
    # The type: ignore below: the required values were checked not None just above.
    return Track(track_id, title, description, order, core, lesson_ids, objectives)  # type: ignore[arg-type]


def _objective(reader: FieldReader, index: int, item: Any) -> str | None:
    """One measurable learning objective: a sentence, not a heading."""
    if not isinstance(item, str) or not item.strip():
        reader.problem(f"objectives[{index}]", "must be a sentence of text")
        return None
    if telegram_length(item) > 200:
        reader.problem(f"objectives[{index}]", "is over 200 characters")
    return item.strip()


def _parse_lesson(reader: FieldReader, today: date) -> Lesson | None:
    """One lesson, with every Telegram limit checked before it can reach a learner."""
    reader.reject_unknown(LESSON_FIELDS)
    lesson_id = reader.identifier("id")
    track_id = reader.identifier("track")
    title = reader.text("title", max_length=120)
    body = reader.text("body", max_length=2000)
    if body is not None and len(body.split()) > MAX_BODY_WORDS:
        reader.problem("body", f"has {len(body.split())} words; at most {MAX_BODY_WORDS}")
    try_this = reader.text("try_this", max_length=300)
    sensitive = reader.boolean("sensitive", default=False)
    content_note = reader.text("content_note", max_length=200, required=sensitive)
    questions = _parse_questions(reader)
    reflect = reader.text("reflect", max_length=300, required=False)
    source_ids = tuple(str(s) for s in reader.sequence("sources", minimum=1, maximum=8) or [])
    last_reviewed = reader.past_date("last_reviewed", today)
    review = _parse_review(reader, last_reviewed)
    required = (lesson_id, track_id, title, body, try_this, questions, last_reviewed, review)
    if any(value is None for value in required) or not source_ids:
        return None
    return Lesson(
        # The type: ignore below: each value below was checked not None just above.
        id=lesson_id,  # type: ignore[arg-type]
        track_id=track_id,  # type: ignore[arg-type]
        title=title,  # type: ignore[arg-type]
        body=body,  # type: ignore[arg-type]
        try_this=try_this,  # type: ignore[arg-type]
        questions=questions,  # type: ignore[arg-type]
        source_ids=source_ids,
        last_reviewed=last_reviewed,  # type: ignore[arg-type]
        sensitive=sensitive,
        content_note=content_note,
        review=review,
        reflect=reflect,
    )


def _parse_review(reader: FieldReader, last_reviewed: date | None) -> Review | None:
    """Who checked the lesson and when it is due again; a reviewer is never invented."""
    reviewed_by = reader.text("reviewed_by", max_length=120)
    review_by = reader.any_date("review_by")
    time_sensitive = reader.boolean("time_sensitive", default=False)
    raw_status = reader.text("status", max_length=40)
    status = None
    if raw_status is not None:
        try:
            status = ReviewStatus(raw_status)
        except ValueError:
            allowed = ", ".join(s.value for s in ReviewStatus)
            reader.problem("status", f"'{raw_status}' is not one of: {allowed}")
    if last_reviewed is not None and review_by is not None:
        within = TIME_SENSITIVE_REVIEW_WITHIN_DAYS if time_sensitive else REVIEW_WITHIN_DAYS
        if review_by <= last_reviewed:
            reader.problem("review_by", "must be after last_reviewed")
        elif (review_by - last_reviewed).days > within:
            reader.problem("review_by", f"must be within {within} days of last_reviewed")
    if reviewed_by is None or review_by is None or status is None:
        return None
    return Review(reviewed_by, review_by, status, time_sensitive)


def _parse_questions(reader: FieldReader) -> tuple[Question, ...] | None:
    """Parse the 1-3 quiz questions; ``None`` if any of them is invalid."""
    items = reader.sequence("questions", minimum=1, maximum=3)
    if items is None:
        return None
    parsed = [_parse_question(reader.nested("questions", i, item)) for i, item in enumerate(items)]
    ids = Counter(q.id for q in parsed if q is not None)
    for question_id, count in ids.items():
        if count > 1:
            reader.problem("questions", f"question id '{question_id}' is used {count} times")
    if any(q is None for q in parsed):
        return None
    return tuple(q for q in parsed if q is not None)


def _parse_question(reader: FieldReader) -> Question | None:
    """A quiz poll: question, options with exactly one correct, and an explanation."""
    reader.reject_unknown(QUESTION_FIELDS)
    question_id = reader.identifier("id", SHORT_IDENTIFIER)
    text = reader.text("question", max_length=limits.POLL_QUESTION)
    explanation = reader.text(
        "explanation",
        max_length=limits.POLL_EXPLANATION,
        max_line_feeds=limits.POLL_EXPLANATION_LINE_FEEDS,
    )
    items = reader.sequence(
        "options", minimum=limits.POLL_MIN_OPTIONS, maximum=limits.POLL_MAX_OPTIONS
    )
    options: list[str] = []
    correct: list[int] = []
    for index, item in enumerate(items or []):
        option = reader.nested("options", index, item)
        option.reject_unknown(OPTION_FIELDS)
        option_text = option.text("text", max_length=limits.POLL_OPTION)
        if option.boolean("correct", default=False):
            correct.append(index)
        if option_text is not None:
            if option_text in options:
                option.problem("text", "repeats another option")
            options.append(option_text)
    if items is not None and len(correct) != 1:
        found = "none is" if not correct else f"{len(correct)} are"
        reader.problem("options", f"exactly one option must be correct; {found} marked")
    if items is None or len(options) != len(items) or len(correct) != 1:
        return None
    if None in (question_id, text, explanation):
        return None
    # The type: ignore below: the values were checked not None just above.
    question = Question(question_id, text, tuple(options), correct[0], explanation)  # type: ignore[arg-type]
    for message in item_cues.question_problems(question):
        reader.problem("options", message)
    return question


def _check_cross_references(
    directory: Path, found: _Found, sources: dict[str, Source], problems: list[Problem]
) -> None:
    """Every listed lesson exists, every lesson is listed, every source is cited."""
    listed: set[str] = set()
    for track in found.tracks.values():
        track_file = str(directory / track.id / "track.yaml")
        for lesson_id in track.lesson_ids:
            listed.add(lesson_id)
            lesson = found.lessons.get(lesson_id)
            if lesson_id not in found.paths:
                problems.append(Problem(track_file, "lessons", f"'{lesson_id}' has no file"))
            elif lesson is not None and lesson.track_id != track.id:
                problems.append(Problem(track_file, "lessons", f"'{lesson_id}' is elsewhere"))
    for lesson_id, lesson_file in found.paths.items():
        if lesson_id not in listed:
            problems.append(Problem(lesson_file, "id", "is not listed in its track.yaml"))
    cited: set[str] = set()
    for lesson_file, source_ids in found.citations.items():
        for source_id in source_ids:
            cited.add(source_id)
            if source_id not in sources:
                problems.append(Problem(lesson_file, "sources", f"'{source_id}' is unregistered"))
    for source_id in sorted(set(sources) - cited):
        problems.append(Problem(str(directory / "sources"), source_id, "is cited by no lesson"))
    _check_tracks_teach_well(directory, found, problems)


def _check_tracks_teach_well(directory: Path, found: _Found, problems: list[Problem]) -> None:
    """Track-wide item-writing rules, and a reflection prompt for every core lesson."""
    for track in found.tracks.values():
        track_file = str(directory / track.id / "track.yaml")
        lessons = [found.lessons[i] for i in track.lesson_ids if i in found.lessons]
        if len(lessons) == len(track.lesson_ids):  # shares of a partial track mislead
            cues = item_cues.track_cues(q for lesson in lessons for q in lesson.questions)
            for message in item_cues.track_problems(cues):
                problems.append(Problem(track_file, "questions", message))
        if not track.core:
            continue
        for lesson in lessons:
            if lesson.reflect is None:
                where = found.paths[lesson.id]
                problems.append(Problem(where, "reflect", "is required in a core track"))
