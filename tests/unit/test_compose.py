"""compose.yaml and the Caddyfile describe the fleet the README promises.

No Docker daemon here (and no `docker compose`), so the files are checked statically:
the services and health checks exist, and each worker's environment is one that
``Settings.from_env`` accepts, with the webhook path the proxy forwards.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
CADDYFILE = (ROOT / "deploy" / "Caddyfile").read_text()
WORKERS = ("worker-1", "worker-2")
DOTENV = {
    "TELEGRAM_BOT_TOKEN": "123456789:AAHtestTOKENtestTOKENtestTOKEN12345",
    "POSTGRES_PASSWORD": "pw",
    "ATTUNE_DOMAIN": "attune.example.org",
    "ATTUNE_WEBHOOK_SECRET": "a-webhook_secret",
}


def interpolated(value: str, env: dict[str, str]) -> str:
    """Compose's ``${VAR:?message}`` and ``${VAR:-default}``, as ``docker compose`` does."""

    def one(match: re.Match[str]) -> str:
        name, op, word = match.group(1), match.group(2), match.group(3) or ""
        if env.get(name):
            return env[name]
        if op == ":?":
            raise KeyError(word)
        return word

    return re.sub(r"\$\{(\w+)(?:(:[?-])([^}]*))?\}", one, value)


def worker_env(name: str, env: dict[str, str] = DOTENV) -> dict[str, str]:
    return {k: interpolated(str(v), env) for k, v in SERVICES[name]["environment"].items()}


def test_the_fleet_is_postgres_two_workers_and_a_proxy() -> None:
    assert set(SERVICES) == {"postgres", *WORKERS, "caddy"}
    postgres = SERVICES["postgres"]
    assert postgres["image"] == "postgres:15"
    assert "pgdata:/var/lib/postgresql/data" in postgres["volumes"]
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert set(COMPOSE["volumes"]) >= {"pgdata", "caddy_data"}


@pytest.mark.parametrize("name", WORKERS)
def test_each_worker_is_a_webhook_worker_on_postgres_with_a_health_check(name: str) -> None:
    worker = SERVICES[name]
    assert worker["healthcheck"]["test"] == ["CMD", "attune", "health"]
    assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
    settings = Settings.from_env(worker_env(name), require_token=True)
    assert settings.database_url.startswith("postgresql+psycopg://attune:pw@postgres:5432/")
    assert settings.webhook_url == "https://attune.example.org/telegram/updates"
    assert settings.webhook_secret is not None and settings.listen == ("0.0.0.0", 8080)
    assert not settings.paid_broadcast, "paid broadcasts are off unless asked for"


def test_workers_refuse_to_start_without_a_webhook_secret() -> None:
    env = {k: v for k, v in DOTENV.items() if k != "ATTUNE_WEBHOOK_SECRET"}
    with pytest.raises(KeyError, match="set ATTUNE_WEBHOOK_SECRET"):
        worker_env("worker-1", env)


def test_the_second_worker_waits_for_the_first_so_migrations_never_race() -> None:
    assert SERVICES["worker-2"]["depends_on"]["worker-1"]["condition"] == "service_healthy"


def test_caddy_terminates_tls_and_balances_the_webhook_path_over_both_workers() -> None:
    caddy = SERVICES["caddy"]
    assert "443:443" in caddy["ports"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    path = urlsplit(worker_env("worker-1")["ATTUNE_WEBHOOK_URL"]).path
    assert f"handle {path} {{" in CADDYFILE
    assert "reverse_proxy worker-1:8080 worker-2:8080" in CADDYFILE
    assert "health_uri /healthz" in CADDYFILE
    assert "{$ATTUNE_DOMAIN} {" in CADDYFILE, "a site address: Caddy's automatic HTTPS"
