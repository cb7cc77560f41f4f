"""Who may hold a lease, and for how long a holder may trust it.

A lease is a name, an owner and an expiry in the database. Several workers share one
database; one of them holds the ``sender`` lease and runs the scheduled sending, and each
holds a lease on its own name while it is alive. These are the rules, as values: the
store makes them atomic (``bot.services.lease``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Holding:
    """A lease as stored: who holds it, until when."""

    owner: str
    expires_at: datetime


def may_take(now: datetime, current: Holding | None, me: str) -> bool:
    """Whether ``me`` may take (or renew) a lease held as ``current`` at ``now``.

    Its own lease a worker may always renew; anyone's once it has expired. An expired
    lease's holder may be alive but stalled (a long pause, a lost network): it stops
    trusting its lease a margin before the expiry (``trusted``), so two never act at once.
    """
    return current is None or current.owner == me or current.expires_at <= now


def expiry(now: datetime, ttl: timedelta) -> datetime:
    """Until when a lease taken or renewed at ``now`` holds."""
    return now + ttl


def renew_every(ttl: timedelta) -> timedelta:
    """How often a holder renews: four chances before it runs out, so one slow or failed
    renewal (a busy database) never costs the lease."""
    return ttl / 4


def trusted(now: datetime, expires_at: datetime | None, ttl: timedelta) -> bool:
    """Whether a holder may still act on a lease that expires at ``expires_at``.

    It stops a renewal period early: clocks of different hosts differ a little, and a
    worker taking over after the expiry must find the old holder already idle.
    """
    return expires_at is not None and now < expires_at - renew_every(ttl)
