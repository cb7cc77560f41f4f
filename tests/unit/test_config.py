"""Settings from the environment: one-line errors, and the token kept out of every log."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, RedactingFilter, Secret, Settings

TOKEN = "123456789:AAHtestTOKENtestTOKENtestTOKEN12345"


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.token is None and settings.api_base_url is None
    assert settings.database_url == "sqlite:///data/attune.db"
    assert settings.admin_ids == frozenset()
    assert settings.lease_seconds == 20 and settings.polling


def test_every_setting_is_read() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "ATTUNE_DATABASE_URL": "sqlite:///tmp/x.db",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/",
            "ATTUNE_LESSONS_DIR": "/srv/lessons",
            "ATTUNE_ADMIN_IDS": "1, 2 3",
            "ATTUNE_LOG_LEVEL": "debug",
            "ATTUNE_LEASE_SECONDS": "30",
            "ATTUNE_POLLING": "0",
        }
    )
    assert settings.lease_seconds == 30 and settings.polling is False
    assert settings.token == Secret(TOKEN)
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.lessons_dir == Path("/srv/lessons")
    assert settings.admin_ids == frozenset({1, 2, 3}) and settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "does not look like a bot token"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "must start with http"),
        ({"ATTUNE_ADMIN_IDS": "alice"}, "'alice' is not"),
        ({"ATTUNE_LOG_LEVEL": "LOUD"}, "ATTUNE_LOG_LEVEL must be one of"),
        ({"ATTUNE_TICK_SECONDS": "soon"}, "must be a number"),
        ({"ATTUNE_LEASE_SECONDS": "0.1"}, "ATTUNE_LEASE_SECONDS must be between"),
        ({"ATTUNE_POLLING": "maybe"}, "ATTUNE_POLLING must be 1 or 0"),
    ],
)
def test_bad_settings_are_one_line_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_a_malformed_token_is_never_echoed() -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"TELEGRAM_BOT_TOKEN": "123:short-secret-value"})
    assert "short-secret-value" not in str(raised.value)


def test_the_token_never_shows_in_repr() -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.token)


def test_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactingFilter([TOKEN]))
    try:
        with caplog.at_level(logging.INFO):
            logger.info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
            try:
                raise RuntimeError(f"failed with {TOKEN}")
            except RuntimeError:
                logger.exception("boom")
    finally:
        logger.filters.clear()
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert TOKEN not in text and "<token>" in text


@pytest.mark.parametrize(
    ("token", "expected"),
    [("", "TELEGRAM_BOT_TOKEN is not set"), ("nope", "does not look like a bot token")],
)
def test_attune_run_without_a_good_token_is_a_one_line_error(
    tmp_path: Path, token: str, expected: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env={"TELEGRAM_BOT_TOKEN": token, "PATH": "/usr/bin:/bin"},
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_attune_run_refuses_invalid_lessons(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env={"TELEGRAM_BOT_TOKEN": TOKEN, "ATTUNE_LESSONS_DIR": str(tmp_path / "lessons"),
             "ATTUNE_DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "not starting" in result.stderr and "Traceback" not in result.stderr


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "lessons" in capsys.readouterr().out


def test_review_retention_is_read_and_bounded() -> None:
    assert Settings.from_env({}).review_retention == 0.9
    assert Settings.from_env({"ATTUNE_REVIEW_RETENTION": "0.85"}).review_retention == 0.85
    for bad in ("0.5", "1", "ninety"):
        with pytest.raises(ConfigError, match="ATTUNE_REVIEW_RETENTION"):
            Settings.from_env({"ATTUNE_REVIEW_RETENTION": bad})


def test_practice_follow_up_days_are_configurable_within_reason() -> None:
    assert Settings.from_env({}).practice_follow_up_days == 3
    assert Settings.from_env({"ATTUNE_PRACTICE_FOLLOW_UP_DAYS": "5"}).practice_follow_up_days == 5
    for bad in ("0", "31", "three", "-1"):
        with pytest.raises(ConfigError, match="ATTUNE_PRACTICE_FOLLOW_UP_DAYS"):
            Settings.from_env({"ATTUNE_PRACTICE_FOLLOW_UP_DAYS": bad})
