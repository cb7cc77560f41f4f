"""The crisis resources file, loaded once and validated: every entry names its source.

The numbers are a promise to someone who may be in danger, so an entry without the
official page it was checked against, or without the date of that check, stops the bot
at start-up instead of reaching a learner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RESOURCES_FILE = Path(__file__).with_name("crisis_resources.yaml")
HELPLINE_FINDER = "findahelpline.com"


class ResourcesError(ValueError):
    """The resources file is missing a source, a check date or a line."""


@dataclass(frozen=True, slots=True)
class CrisisEntry:
    """What to show for one or more countries, and where it was verified."""

    codes: tuple[str, ...]
    lines: tuple[str, ...]
    emergency: dict[str, str]
    source: str
    checked: date


@dataclass(frozen=True, slots=True)
class CrisisResources:
    """The resources for one learner: their country's lines, or the region-neutral ones."""

    country: str | None
    lines: tuple[str, ...]
    emergency: str | None


@dataclass(frozen=True)
class CrisisDirectory:
    """Every entry by country code, plus the default for everywhere else."""

    default: CrisisEntry
    entries: tuple[CrisisEntry, ...]
    country_page: bool

    def for_country(self, country: str | None) -> CrisisResources:
        """The learner's resources; the finder's country page where we have no entry."""
        for entry in self.entries:
            if country in entry.codes:
                return CrisisResources(country, entry.lines, entry.emergency.get(country))
        lines = self.default.lines
        if country and self.country_page:
            lines = (
                f"Find a free, confidential helpline in your country at "
                f"{HELPLINE_FINDER}/{country}.",
            )
        return CrisisResources(country, lines, None)


@cache
def crisis_directory(path: Path = RESOURCES_FILE) -> CrisisDirectory:
    """Load and validate the resources file (once per process)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ResourcesError(f"{path}: expected a mapping")
    default = _entry(data.get("default"), "default")
    entries = tuple(
        _entry(item, f"countries[{index}]") for index, item in enumerate(data.get("countries", []))
    )
    return CrisisDirectory(default, entries, bool(data["default"].get("country_page")))


def _entry(raw: Any, where: str) -> CrisisEntry:
    """One entry, refusing any without an https source and a check date."""
    if not isinstance(raw, dict):
        raise ResourcesError(f"{where}: expected a mapping")
    source, checked, lines = raw.get("source"), raw.get("checked"), raw.get("lines")
    if not isinstance(source, str) or not source.startswith("https://"):
        raise ResourcesError(f"{where}: needs the official source as an https:// URL")
    if not isinstance(checked, date):
        raise ResourcesError(f"{where}: needs the date it was checked (YYYY-MM-DD)")
    if not isinstance(lines, list) or not lines or not all(isinstance(x, str) for x in lines):
        raise ResourcesError(f"{where}: needs at least one line of text")
    codes = tuple(str(code) for code in raw.get("codes", []))
    if where != "default" and not codes:
        raise ResourcesError(f"{where}: needs the country codes it serves")
    emergency = {code: str(raw["emergency"]) for code in codes if raw.get("emergency")}
    emergency.update({str(k): str(v) for k, v in (raw.get("emergency_by_code") or {}).items()})
    return CrisisEntry(codes, tuple(lines), emergency, source, checked)
