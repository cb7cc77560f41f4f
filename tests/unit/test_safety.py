"""Distress detection, country from time zone, and the crisis resources file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.safety.countries import country_of_zone
from bot.safety.distress import suggests_crisis
from bot.safety.resources import RESOURCES_FILE, ResourcesError, crisis_directory

IN_CRISIS = [
    "I can't go on, I want to end my life",
    "I want to kill myself",
    "thinking of killing myself",
    "better off dead",
    "Everyone would be better off without me",
    "I don’t want to be alive anymore",
    "I CANT TAKE IT ANYMORE",
    "i wanna die",
    "I have been self-harming again",
    "I feel so hopeless",
    "honestly I'm not safe tonight",
    "Suicidal thoughts again",
    "I wish I were dead",
    "no reason to live",
    "I keep thinking about ending it all",
    # A case told in a reflection still gets resources, gently: when in doubt, show.
    "my client said 'I want to die' and I froze",
]
NOT_CRISIS = [
    "this lesson is killing me",
    "I'm dying to know the answer",
    "Great lesson, thanks!",
    "19:00",
    "America/Chicago",
    "I killed it in supervision today",
    "ending my shift now",
    "weekdays",
    "Riverside Clinic",
    "Can't wait for tomorrow's quiz",
]


@pytest.mark.parametrize("text", IN_CRISIS)
def test_messages_that_may_come_from_someone_in_crisis_are_noticed(text: str) -> None:
    assert suggests_crisis(text)


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_figures_of_speech_and_settings_are_not(text: str) -> None:
    assert not suggests_crisis(text)


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("America/Chicago", "US"),
        ("US/Eastern", "US"),  # an alias, matched by its data
        ("America/Toronto", "CA"),
        ("Europe/London", "GB"),
        ("Europe/Dublin", "IE"),
        ("Australia/Sydney", "AU"),
        ("Asia/Kolkata", "IN"),
        ("Asia/Calcutta", "IN"),
        ("Asia/Tokyo", "JP"),
        ("Etc/GMT+6", None),  # a fixed offset has no country
        ("UTC", None),
        ("Mars/Base", None),
        ("../../etc/passwd", None),
        (None, None),
    ],
)
def test_the_country_comes_from_the_tz_database(zone: str | None, country: str | None) -> None:
    assert country_of_zone(zone) == country


def test_each_country_gets_its_own_lines_and_emergency_number() -> None:
    directory = crisis_directory()
    us, ca, gb, ie = (directory.for_country(c) for c in ("US", "CA", "GB", "IE"))
    au, india = directory.for_country("AU"), directory.for_country("IN")
    assert "988" in us.lines[0] and "988lifeline.org" in us.lines[0] and us.emergency == "911"
    assert "Press 3" not in " ".join(us.lines)
    assert "9-8-8" in ca.lines[0]
    assert "116 123" in gb.lines[0] and gb.emergency == "999"
    assert "116 123" in ie.lines[0] and ie.emergency == "112 or 999"
    assert "13 11 14" in au.lines[0] and au.emergency == "000"
    assert "14416" in india.lines[0]
    japan = directory.for_country("JP")
    assert japan.emergency is None and japan.lines == (
        "Find a free, confidential helpline in your country at findahelpline.com/JP.",
    )
    assert directory.for_country(None).lines == (
        "Find a free, confidential helpline in your country at findahelpline.com.",
    )


def test_every_entry_names_its_official_source_and_the_date_it_was_checked() -> None:
    directory = crisis_directory()
    for entry in (directory.default, *directory.entries):
        assert entry.source.startswith("https://")
        assert date(2026, 1, 1) <= entry.checked <= datetime.now(UTC).date()


def test_an_entry_without_a_source_or_a_check_date_stops_the_bot(tmp_path: Path) -> None:
    text = RESOURCES_FILE.read_text()
    no_source = tmp_path / "no-source.yaml"
    no_source.write_text(text.replace("    source: https://988.ca\n", ""))
    with pytest.raises(ResourcesError, match="needs the official source"):
        crisis_directory(no_source)
    no_date = tmp_path / "no-date.yaml"
    no_date.write_text(text.replace("    checked: 2026-12-02\n", "", 1))
    with pytest.raises(ResourcesError, match="needs the date it was checked"):
        crisis_directory(no_date)
