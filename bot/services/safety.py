"""Crisis resources for a learner: their country, read from their time zone.

A learner who has not chosen a zone yet (or chose a fixed offset) gets the region-neutral
resources; nothing about the request is stored.
"""

from __future__ import annotations

from bot.safety.countries import country_of_zone
from bot.safety.distress import suggests_crisis
from bot.safety.resources import CrisisResources, crisis_directory


class Safety:
    """Stateless: the resources file is loaded once per process and validated then."""

    def __init__(self) -> None:
        self.directory = crisis_directory()

    def resources_for_zone(self, zone: str | None) -> CrisisResources:
        """The resources to show someone whose time zone is ``zone``."""
        return self.directory.for_country(country_of_zone(zone))

    @staticmethod
    def suggests_crisis(text: str) -> bool:
        """See ``bot.safety.distress``: when unsure, True."""
        return suggests_crisis(text)
