"""The settings of a worker in a fleet: webhook, listen address, paid broadcasts."""

from __future__ import annotations

import logging

import pytest

from bot.config import ConfigError, RedactingFilter, Settings

URL = "https://bot.example.org/telegram/updates"
SECRET = "a-long_webhook-secret-42"


def test_polling_is_the_default_and_serves_no_http() -> None:
    settings = Settings.from_env({})
    assert settings.webhook_url is None and settings.webhook_secret is None
    assert not settings.serves_http and not settings.paid_broadcast
    assert settings.listen_address == ("0.0.0.0", 8080)


def test_a_webhook_url_with_its_secret_turns_on_webhook_mode() -> None:
    settings = Settings.from_env({"ATTUNE_WEBHOOK_URL": URL, "ATTUNE_WEBHOOK_SECRET": SECRET})
    assert settings.webhook_url == URL and settings.serves_http
    assert settings.webhook_secret is not None and settings.webhook_secret.reveal() == SECRET
    assert SECRET not in repr(settings)


def test_a_webhook_url_without_a_secret_refuses_to_start() -> None:
    with pytest.raises(ConfigError, match="ATTUNE_WEBHOOK_SECRET is required"):
        Settings.from_env({"ATTUNE_WEBHOOK_URL": URL})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ATTUNE_WEBHOOK_URL": "bot.example.org/tg"}, "must be a full URL"),
        ({"ATTUNE_WEBHOOK_URL": "https://x.org/healthz"}, "must not be /healthz"),
        ({"ATTUNE_WEBHOOK_URL": URL, "ATTUNE_WEBHOOK_SECRET": "has space"}, "1-256 characters"),
        ({"ATTUNE_WEBHOOK_URL": URL, "ATTUNE_WEBHOOK_SECRET": "x" * 257}, "1-256 characters"),
        ({"ATTUNE_LISTEN": "8080"}, "host:port"),
        ({"ATTUNE_LISTEN": "0.0.0.0:http"}, "host:port"),
        ({"ATTUNE_LISTEN": "0.0.0.0:70000"}, "host:port"),
        ({"ATTUNE_PAID_BROADCAST": "maybe"}, "must be 1 or 0"),
    ],
)
def test_bad_worker_settings_are_one_line_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_listen_alone_serves_http_beside_polling() -> None:
    settings = Settings.from_env({"ATTUNE_LISTEN": "127.0.0.1:9100"})
    assert settings.serves_http and settings.webhook_url is None
    assert settings.listen_address == ("127.0.0.1", 9100)
    assert Settings.from_env({"ATTUNE_LISTEN": "[::]:8080"}).listen == ("::", 8080)


@pytest.mark.parametrize(("raw", "paid"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_paid_broadcast_is_a_flag(raw: str, paid: bool) -> None:
    assert Settings.from_env({"ATTUNE_PAID_BROADCAST": raw}).paid_broadcast is paid


def test_paid_broadcast_ticks_every_2_seconds_unless_told_otherwise() -> None:
    """At 1,000 messages/s a 20 s tick, not Telegram, would make lessons late."""
    assert Settings.from_env({}).tick_seconds == 20
    assert Settings.from_env({"ATTUNE_PAID_BROADCAST": "1"}).tick_seconds == 2
    told = {"ATTUNE_PAID_BROADCAST": "1", "ATTUNE_TICK_SECONDS": "10"}
    assert Settings.from_env(told).tick_seconds == 10


def test_the_webhook_secret_is_redacted_from_logs(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings.from_env({"ATTUNE_WEBHOOK_URL": URL, "ATTUNE_WEBHOOK_SECRET": SECRET})
    logger = logging.getLogger("test.webhook.redaction")
    logger.addFilter(RedactingFilter(settings.redactions()))
    try:
        with caplog.at_level(logging.INFO):
            logger.info("setWebhook secret_token=%s", SECRET)
    finally:
        logger.filters.clear()
    assert SECRET not in caplog.text
