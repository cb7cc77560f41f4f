"""A heartbeat file the running bot refreshes, so a container health check sees liveness.

Checking that the process exists is not enough: a bot whose delivery tick has stalled is
unhealthy even though it still runs. The tick job touches the file; ``attune health``
fails when the file is older than a few ticks. A worker that serves HTTP (webhook mode,
or ``ATTUNE_LISTEN``) is asked at ``/healthz`` instead, which also checks the database.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

PROBE_TIMEOUT_S = 10.0


def allowed_silence(tick_seconds: float) -> float:
    """How long the delivery loop may stay silent before it counts as stalled: a few ticks,
    and never less than a minute (a slow database or a rate-limited send is no stall)."""
    return max(60.0, 3 * tick_seconds)


def write_heartbeat(path: Path, now: datetime) -> None:
    """Record that the delivery loop is alive at ``now``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(now.isoformat())
    temporary.replace(path)


def heartbeat_age(path: Path, now: datetime) -> timedelta | None:
    """How long ago the bot last beat, or ``None`` if it never has (or the file is bad)."""
    try:
        beat = datetime.fromisoformat(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return now - beat if beat.tzinfo else None


def ask_healthz(host: str, port: int) -> tuple[bool, str]:
    """Ask a worker's own ``/healthz``: whether it is healthy, and a line saying so.

    The worker knows more than its heartbeat file: whether the database answers. A
    wildcard listen address is asked on the loopback interface.
    """
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    url = f"http://[{host}]:{port}/healthz" if ":" in host else f"http://{host}:{port}/healthz"
    try:
        # S310: the URL is http:// to our own worker, built above, never user input.
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_S) as response:  # noqa: S310
            return True, f"healthy: {url} says {response.read().decode().strip()}"
    except urllib.error.HTTPError as error:  # the body says "unhealthy: <why>"
        return False, error.read().decode().strip() or f"unhealthy: HTTP {error.code}"
    except OSError as error:
        return False, f"unhealthy: {url} did not answer ({error})"
