"""A heartbeat file the running bot refreshes, so a container health check sees liveness.

Checking that the process exists is not enough: a bot whose delivery tick has stalled is
unhealthy even though it still runs. The tick job touches the file; ``attune health``
fails when the file is older than a few ticks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path


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
