"""The one entry point: ``attune run``, ``attune demo``, ``attune lessons check``.

Every failure a person can cause (a missing token, invalid lessons, a bad setting) ends in
a one-line message and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.content import reports
from bot.content.loader import check_library
from bot.content.model import Library
from bot.health import allowed_silence, ask_healthz, heartbeat_age


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen command; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args))
    except ConfigError as error:
        print(f"attune: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attune", description="Attune: two-minute daily lessons for clinicians, on Telegram."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="run the bot against Telegram (needs a token)")
    run.set_defaults(handler=_run)

    demo = commands.add_parser("demo", help="try the bot in a terminal chat, no token needed")
    demo.add_argument("--user", default="Sam", help="the first name you chat as")
    demo.add_argument(
        "--files", type=Path, help="save the files the bot sends here (default: a temp folder)"
    )
    demo.add_argument(
        "--team", action="store_true", help="facilitate a simulated clinic team (Riverside Clinic)"
    )
    demo.add_argument("--seed", type=int, default=7, help="how the simulated colleagues behave")
    demo.set_defaults(handler=_demo)

    health = commands.add_parser("health", help="exit 0 if the running bot is alive")
    health.set_defaults(handler=_health)

    db = commands.add_parser("db", help="database upgrades, backups and restores")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_commands.add_parser("upgrade", help="migrate the database to this version's schema")
    backup = db_commands.add_parser("backup", help="copy the live database consistently")
    backup.add_argument("file", type=Path)
    restore = db_commands.add_parser("restore", help="put a backup in place (bot stopped)")
    restore.add_argument("file", type=Path)
    db.set_defaults(handler=_db)

    lessons = commands.add_parser("lessons", help="work with lesson files")
    lesson_commands = lessons.add_subparsers(dest="lessons_command", metavar="ACTION")
    check = lesson_commands.add_parser("check", help="validate every lesson file")
    check.add_argument("directory", nargs="?", type=Path, help="default: ATTUNE_LESSONS_DIR")
    check.set_defaults(handler=_lessons_check)
    stale = lesson_commands.add_parser("stale", help="list lessons due for clinical review")
    stale.add_argument("directory", nargs="?", type=Path, help="default: ATTUNE_LESSONS_DIR")
    stale.add_argument("--within", type=int, default=90, help="days ahead (default 90)")
    stale.set_defaults(handler=_lessons_stale)
    items = lesson_commands.add_parser("items", help="item statistics to find weak questions")
    items.add_argument("directory", nargs="?", type=Path, help="default: ATTUNE_LESSONS_DIR")
    items.add_argument(
        "--db", metavar="URL", help="read real answers from this database (e.g. sqlite:///x.db)"
    )
    items.set_defaults(handler=_lessons_items)
    lessons.set_defaults(handler=lambda _args: _usage(lessons))
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    """A command group called without an action: show its actions, exit 2."""
    parser.print_help()
    return 2


def _lessons_check(args: argparse.Namespace) -> int:
    """Validate the library and list every problem with its file and field."""
    directory = args.directory or Settings.lessons_dir_from_env()
    today = datetime.now(UTC).date()
    library, problems = check_library(directory, today)
    if problems or library is None:
        for problem in problems:
            print(problem)
        print(f"\n{len(problems)} problem(s) found in {directory}", file=sys.stderr)
        return 1
    questions = sum(len(lesson.questions) for lesson in library.lessons.values())
    print(
        f"OK: {len(library.tracks)} tracks, {len(library.lessons)} lessons, "
        f"{questions} questions, {len(library.sources)} sources in {directory}"
    )
    for track in library.ordered_tracks():
        print(f"  {track.id}: {len(track.lesson_ids)} lessons")
    print("Item cues per track (content guide, section 9):")
    for line in reports.cue_lines(library):
        print(line)
    return 0


def _valid_library(directory: Path | None) -> Library | None:
    """Load the library for a report, or print why it cannot be loaded."""
    directory = directory or Settings.lessons_dir_from_env()
    library, problems = check_library(directory, datetime.now(UTC).date())
    if library is None:
        print(
            f"{len(problems)} problem(s) in {directory}: run attune lessons check", file=sys.stderr
        )
    return library


def _lessons_stale(args: argparse.Namespace) -> int:
    """List lessons whose clinical review falls due within ``--within`` days."""
    library = _valid_library(args.directory)
    if library is None:
        return 1
    today = datetime.now(UTC).date()
    due = reports.due_for_review(library, today, args.within)
    for lesson in due:
        review = lesson.review
        assert review is not None  # due_for_review keeps reviewed lessons only
        flag = " (time-sensitive)" if review.time_sensitive else ""
        print(f"{review.review_by.isoformat()}  {lesson.id}{flag}  [{review.status.value}]")
    print(f"{len(due)} lesson(s) due for review within {args.within} days")
    return 0


def _lessons_items(args: argparse.Namespace) -> int:
    """Print static item cues per track and per question, or with ``--db`` what learners
    actually answered."""
    library = _valid_library(args.directory)
    if library is None:
        return 1
    if args.db:
        return _answered_items(library, args.db)
    print("Per track:")
    for line in reports.cue_lines(library):
        print(line)
    print("Where learners see the key, options shuffled:")
    for line in reports.shuffled_position_lines(library):
        print(line)
    print("Per question (cued first):")
    for line in reports.question_cue_lines(library):
        print(line)
    return 0


def _answered_items(library: Library, url: str) -> int:
    """Per question from the answers stored at ``url``: answered, share right, each option."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.engine import Database
    from bot.store.queries.answers import option_choices

    sqlite_file = make_url(url).database if url.startswith("sqlite") else None
    if sqlite_file is not None and not Path(sqlite_file).is_file():
        print(f"attune lessons items: no database file at {sqlite_file}", file=sys.stderr)
        return 1
    try:
        db = Database(url)
        with db.engine.connect() as connection:
            choices = reports.choice_counts(option_choices(connection))
        db.dispose()
    except (SQLAlchemyError, ValueError) as error:
        print(f"attune lessons items: cannot read answers from {url}: {error}", file=sys.stderr)
        return 1
    lines = reports.answer_lines(library, choices)
    questions = sum(len(lesson.questions) for lesson in library.lessons.values())
    print("Answers per question (* the key; lesson options, whatever place they were shown):")
    for line in lines:
        print(line)
    print(f"{len(lines)} of {questions} questions answered so far")
    return 0


def _health(args: argparse.Namespace) -> int:
    """For container health checks: is the delivery loop beating (and, for a worker that
    serves HTTP, does its ``/healthz`` say the database answers too)?"""
    settings = Settings.from_env()
    if settings.serves_http:
        healthy, said = ask_healthz(*settings.listen_address)
        print(said)
        return 0 if healthy else 1
    age = heartbeat_age(settings.heartbeat_file, datetime.now(UTC))
    allowed = allowed_silence(settings.tick_seconds)
    if age is None or age.total_seconds() > allowed:
        print(f"unhealthy: no heartbeat in {settings.heartbeat_file} within {allowed:.0f}s")
        return 1
    print(f"healthy: last heartbeat {age.total_seconds():.0f}s ago")
    return 0


def _db(args: argparse.Namespace) -> int:
    """``attune db upgrade | backup FILE | restore FILE``."""
    from bot.store import operations

    settings = Settings.from_env()
    action = getattr(args, "db_command", None)
    if action is None:
        print("usage: attune db {upgrade,backup FILE,restore FILE}", file=sys.stderr)
        return 2
    try:
        message = operations.run(action, settings, getattr(args, "file", None))
    except operations.OperationError as error:
        print(f"attune db {action}: {error}", file=sys.stderr)
        return 1
    print(message)
    return 0


def _run(args: argparse.Namespace) -> int:
    """Run the bot with settings from the environment until interrupted."""
    from bot.runner import run_bot

    settings = Settings.from_env(require_token=True)
    return run_bot(settings)


def _demo(args: argparse.Namespace) -> int:
    """Start the local Bot API emulator, the real bot and a terminal chat."""
    from bot.demo import run_demo

    return run_demo(first_name=args.user, files=args.files, team=args.team, seed=args.seed)
