"""Which country a learner's time zone is in, from the tz database's own table.

The tz database ships ``zone.tab``, which names one ISO 3166 country for each zone. A
zone name that is only an alias (``US/Eastern``, ``Asia/Calcutta``) is matched to the
canonical zone whose data it shares. Fixed offsets (``Etc/GMT+6``) have no country, and
then the region-neutral resources are shown.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def _zone_table() -> dict[str, str]:
    """Zone name to country code, from ``zone.tab``."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    zones = {}
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _coordinates, zone, *_ = line.split("\t")
        zones[zone] = code
    return zones


@cache
def _zone_bytes(zone: str) -> bytes | None:
    """A zone's compiled data, to recognise aliases that share it."""
    path = resources.files("tzdata").joinpath("zoneinfo", *zone.split("/"))
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, ValueError):
        return None


@cache
def country_of_zone(zone: str | None) -> str | None:
    """The ISO country code of ``zone``, or ``None`` when it has no single country."""
    if not zone or zone.startswith("Etc/") or ".." in zone:
        return None
    table = _zone_table()
    if zone in table:
        return table[zone]
    data = _zone_bytes(zone)
    if data is None:
        return None
    matches = {code for name, code in table.items() if _zone_bytes(name) == data}
    return matches.pop() if len(matches) == 1 else None
