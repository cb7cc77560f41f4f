"""Settings, read once from the environment (and an optional ``.env`` file).

The bot token is wrapped in ``Secret`` so that printing or logging the settings can never
reveal it; every other module receives a ``Settings`` value instead of reading ``os.environ``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,100}$")
# Telegram's rule for setWebhook's secret_token: 1-256 characters of A-Z a-z 0-9 _ -.
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DEFAULT_LISTEN = ("0.0.0.0", 8080)  # noqa: S104 (a container's port, behind the proxy)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_DATABASE_URL = "sqlite:///data/attune.db"


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for a person to read."""


class Secret:
    """A string that never shows itself in ``repr``, ``str`` or f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret; call only where it is handed to the Telegram client."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Everything the bot can be configured with."""

    token: Secret | None = None
    database_url: str = DEFAULT_DATABASE_URL
    api_base_url: str | None = None
    lessons_dir: Path = field(default_factory=lambda: Settings.lessons_dir_from_env({}))
    admin_ids: frozenset[int] = frozenset()
    log_level: str = "INFO"
    tick_seconds: float = 20.0
    heartbeat_file: Path = Path("data/heartbeat")
    announcement_cap: int = 3
    review_retention: float = 0.9
    # Webhook mode when set (polling otherwise); the secret is required with it.
    webhook_url: str | None = None
    webhook_secret: Secret | None = None
    # Where the HTTP server listens (webhook, /healthz, /metrics); ``None``: not set, so
    # polling serves no HTTP and webhook mode uses ``DEFAULT_LISTEN``.
    listen: tuple[str, int] | None = None
    paid_broadcast: bool = False
    # Lesson days between "I'll try it" and the question whether it was tried.
    practice_follow_up_days: int = 3
    # How long the elected sender's lease lasts unrenewed: another worker takes over
    # within this and a quarter of it after the sender dies (``bot.services.lease``).
    lease_seconds: float = 20.0
    # Whether this worker fetches updates with getUpdates. Telegram allows one consumer:
    # with polling, run further workers with ATTUNE_POLLING=0 (they still send when
    # elected) or use a webhook.
    polling: bool = True

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, require_token: bool = False
    ) -> Settings:
        """Build settings from ``environ`` (default: ``.env`` overlaid by the process env)."""
        env = dict(environ) if environ is not None else _process_environment()
        token = _token(env.get("TELEGRAM_BOT_TOKEN", "").strip(), required=require_token)
        webhook_url = _webhook_url(env.get("ATTUNE_WEBHOOK_URL", "").strip())
        paid = _flag("ATTUNE_PAID_BROADCAST", env.get("ATTUNE_PAID_BROADCAST", ""))
        return cls(
            token=token,
            database_url=env.get("ATTUNE_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            api_base_url=_api_base_url(env.get("TELEGRAM_API_BASE_URL", "").strip()),
            lessons_dir=cls.lessons_dir_from_env(env),
            admin_ids=_admin_ids(env.get("ATTUNE_ADMIN_IDS", "")),
            log_level=_log_level(env.get("ATTUNE_LOG_LEVEL", "INFO")),
            tick_seconds=_tick_seconds(env.get("ATTUNE_TICK_SECONDS", default_tick(paid))),
            heartbeat_file=Path(env.get("ATTUNE_HEARTBEAT_FILE", "").strip() or "data/heartbeat"),
            announcement_cap=_announcement_cap(env.get("ATTUNE_ANNOUNCEMENTS_PER_DAY", "3")),
            review_retention=_review_retention(env.get("ATTUNE_REVIEW_RETENTION", "0.9")),
            webhook_url=webhook_url,
            webhook_secret=_webhook_secret(env.get("ATTUNE_WEBHOOK_SECRET", ""), webhook_url),
            listen=_listen(env.get("ATTUNE_LISTEN", "").strip()),
            paid_broadcast=paid,
            practice_follow_up_days=_follow_up_days(
                env.get("ATTUNE_PRACTICE_FOLLOW_UP_DAYS", "3")
            ),
            lease_seconds=_lease_seconds(env.get("ATTUNE_LEASE_SECONDS", "20")),
            polling=_switch(env.get("ATTUNE_POLLING", "1"), "ATTUNE_POLLING"),
        )

    @staticmethod
    def lessons_dir_from_env(environ: Mapping[str, str] | None = None) -> Path:
        """``ATTUNE_LESSONS_DIR``, else ``./lessons``, else the lessons beside the code."""
        env = environ if environ is not None else _process_environment()
        configured = env.get("ATTUNE_LESSONS_DIR", "").strip()
        if configured:
            return Path(configured)
        here = Path("lessons")
        if here.is_dir():
            return here
        return Path(__file__).resolve().parent.parent / "lessons"

    @property
    def serves_http(self) -> bool:
        """Whether this worker runs the HTTP server: in webhook mode, or when asked to."""
        return self.webhook_url is not None or self.listen is not None

    @property
    def listen_address(self) -> tuple[str, int]:
        """``ATTUNE_LISTEN``, or ``0.0.0.0:8080`` when it is not set."""
        return self.listen or DEFAULT_LISTEN

    def redactions(self) -> list[str]:
        """Strings that must never reach a log line."""
        return [secret.reveal() for secret in (self.token, self.webhook_secret) if secret]


def _process_environment() -> dict[str, str]:
    """The process environment over an optional ``.env`` in the working directory."""
    values = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    values.update(os.environ)
    return values


def _token(raw: str, *, required: bool) -> Secret | None:
    if not raw:
        if required:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set (try `attune demo` without one)")
        return None
    if not TOKEN_PATTERN.match(raw):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected <digits>:<letters>)"
        )
    return Secret(raw)


def _api_base_url(raw: str) -> str | None:
    """Accept ``http://host:port`` or a full ``.../bot`` base; return PTB's ``base_url``."""
    if not raw:
        return None
    if not raw.startswith(("http://", "https://")):
        raise ConfigError("TELEGRAM_API_BASE_URL must start with http:// or https://")
    raw = raw.rstrip("/")
    if "{token}" in raw or raw.endswith("/bot"):
        return raw
    return f"{raw}/bot"


def _webhook_url(raw: str) -> str | None:
    """Telegram posts updates to this URL; its path is where our server takes them."""
    if not raw:
        return None
    parsed = urlsplit(raw)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(
            "ATTUNE_WEBHOOK_URL must be a full URL such as https://bot.example.org/tg"
        )
    if parsed.path in ("/healthz", "/metrics"):
        raise ConfigError("ATTUNE_WEBHOOK_URL's path must not be /healthz or /metrics")
    return raw


def _webhook_secret(raw: str, webhook_url: str | None) -> Secret | None:
    """Without a secret anyone who finds the URL could post forged updates: refuse that."""
    raw = raw.strip()
    if not raw:
        if webhook_url:
            raise ConfigError(
                "ATTUNE_WEBHOOK_SECRET is required with ATTUNE_WEBHOOK_URL "
                "(1-256 characters of A-Z, a-z, 0-9, _ and -)"
            )
        return None
    if not WEBHOOK_SECRET_PATTERN.match(raw):
        raise ConfigError(
            "ATTUNE_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return Secret(raw)


def _listen(raw: str) -> tuple[str, int] | None:
    """``host:port`` (``[::]:8080`` for IPv6); ``None`` when unset."""
    if not raw:
        return None
    host, _, port = raw.rpartition(":")
    host = host.strip("[]")
    if not host or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        raise ConfigError("ATTUNE_LISTEN must be host:port, e.g. 0.0.0.0:8080")
    return host, int(port)


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be 1 or 0")


def _admin_ids(raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in re.split(r"[,\s]+", raw.strip()):
        if not part:
            continue
        if not re.fullmatch(r"-?\d{1,20}", part):
            raise ConfigError(f"ATTUNE_ADMIN_IDS must be Telegram user ids; '{part}' is not")
        ids.add(int(part))
    return frozenset(ids)


def _log_level(raw: str) -> str:
    level = raw.strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"ATTUNE_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    return level


def default_tick(paid_broadcast: bool) -> str:
    """Seconds between ticks unless ``ATTUNE_TICK_SECONDS`` says otherwise.

    At 30 messages/s a minute's due lessons take far longer to send than a tick, so 20 s
    costs nothing. At paid broadcast's 1,000/s they go out within their minute, and a
    learner due just after a tick waits for the next: bench/lateness.py --paid put the
    last lesson 13.8% past its floor with 20 s and 3.1% with 2 s.
    """
    return "2" if paid_broadcast else "20"


def _tick_seconds(raw: str) -> float:
    return _seconds(raw, "ATTUNE_TICK_SECONDS", 0.05, 300)


def _seconds(raw: str, name: str, least: float, most: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds") from None
    if not least <= value <= most:
        raise ConfigError(f"{name} must be between {least:g} and {most:g}")
    return value


def _lease_seconds(raw: str) -> float:
    return _seconds(raw, "ATTUNE_LEASE_SECONDS", 0.5, 600)


def _switch(raw: str, name: str) -> bool:
    value = raw.strip().lower()
    if value not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise ConfigError(f"{name} must be 1 or 0")
    return value in ("1", "true", "yes", "on")


def _announcement_cap(raw: str) -> int:
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 100:
        raise ConfigError("ATTUNE_ANNOUNCEMENTS_PER_DAY must be a whole number from 1 to 100")
    return int(raw)


def _review_retention(raw: str) -> float:
    """FSRS's desired retention: the chance of still knowing an answer when it comes back.
    Higher means more frequent reviews; outside 0.7-0.97 the workload or the forgetting
    stops making sense for a two-minute daily habit."""
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError("ATTUNE_REVIEW_RETENTION must be a number such as 0.9") from None
    if not 0.7 <= value <= 0.97:
        raise ConfigError("ATTUNE_REVIEW_RETENTION must be between 0.7 and 0.97")
    return value


def _follow_up_days(raw: str) -> int:
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 30:
        raise ConfigError("ATTUNE_PRACTICE_FOLLOW_UP_DAYS must be a whole number from 1 to 30")
    return int(raw)


class RedactingFilter(logging.Filter):
    """Replace secrets in every log record, including URLs that the HTTP client logs."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        text = record.exc_text or ""
        for secret in self._secrets:
            message = message.replace(secret, "<token>")
            text = text.replace(secret, "<token>")
        record.msg, record.args = message, None
        record.exc_text = text or None
        record.exc_info = None if text else record.exc_info
        return True


def configure_logging(settings: Settings) -> None:
    """Log to stderr at the configured level, with secrets redacted everywhere."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(settings.redactions()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
