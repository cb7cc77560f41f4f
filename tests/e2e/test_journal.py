"""/journal: private notes, refused while they hold a client identifier, never in distress;
exported by /mydata, erased by /deletemydata, and gone when they expire."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from bot.store.models import JournalEntry
from tests.e2e.harness import Harness
from tests.e2e.scenes import MONDAY_0730, learner, reply, services

ANN = 7101


def stored(h: Harness, learner_id: int = ANN) -> list[str]:
    """Every journal text in the database for the learner, whatever the service shows."""
    with services(h).db.session() as session:
        rows = session.exec(select(JournalEntry).where(JournalEntry.learner_id == learner_id))
        return [row.text for row in rows]


async def test_an_empty_journal_explains_itself_and_waits_for_a_note(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    said = await reply(h, ANN, "/journal")
    assert "Your journal is empty" in said and "Only you can read it" in said
    assert "/cancel" in said
    assert "Cancelled. Nothing was saved." in await reply(h, ANN, "/cancel")
    assert "not sure what to do" in await reply(h, ANN, "A stray message")
    assert stored(h) == []


async def test_a_note_with_a_phone_number_is_refused_and_not_stored(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await reply(h, ANN, "/journal")
    refused = await reply(h, ANN, "Call my client back on +49 170 1234567 about the plan")
    assert "a phone number: “+49 170 1234567”" in refused and "Nothing was saved" in refused
    assert stored(h) == []
    # Still waiting: the next message is the retry, and a clean one is kept.
    saved = await reply(h, ANN, "I want to slow down when plans change at short notice.")
    assert "Saved to your journal" in saved
    assert stored(h) == ["I want to slow down when plans change at short notice."]
    assert services(h).learners.get(ANN).pending_step is None  # type: ignore[union-attr]


async def test_a_named_client_is_refused_inline_too(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    refused = await reply(h, ANN, "/journal my client Anna was angry, born 12.03.1985")
    assert "client Anna" in refused and "12.03.1985" in refused
    assert stored(h) == []
    assert "Saved" in await reply(h, ANN, "A client was angry and I stayed with it.")
    listing = await reply(h, ANN, "/journal")
    assert "A client was angry and I stayed with it." in listing and "1 entry" in listing


async def test_distress_gets_crisis_resources_and_nothing_is_saved(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann", zone="Europe/London")
    assert "116 123" in await reply(h, ANN, "/journal I can't go on like this")
    await reply(h, ANN, "/journal")
    assert "116 123" in await reply(h, ANN, "Some days I want to die")
    assert stored(h) == []
    assert services(h).learners.get(ANN).pending_step is None  # type: ignore[union-attr]


async def test_an_entry_is_in_mydata_and_erased_by_deletemydata(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await reply(h, ANN, "/journal Noticed how tired I was by four.")
    [export] = await h.say(ANN, "/mydata")
    assert export.document is not None
    data = json.loads(h.emulator.world.files[export.document["file_id"]].data)
    assert [e["text"] for e in data["journalentry"]] == ["Noticed how tired I was by four."]
    await h.say(ANN, "/deletemydata")
    await h.tap(ANN, "Delete everything")
    assert stored(h) == []


async def test_entries_expire_when_the_learner_asks(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await reply(h, ANN, "/journal An older note.")
    assert "deleted 30 days after" in await reply(h, ANN, "/journal keep 30")
    assert "deleted after 30 days" in await reply(h, ANN, "/journal A newer note.")
    assert "/journal keep 90" in await reply(h, ANN, "/journal keep forever")
    await h.move_to(MONDAY_0730 + timedelta(days=29, hours=12))
    assert sorted(stored(h)) == ["A newer note.", "An older note."]
    await h.move_to(MONDAY_0730 + timedelta(days=31))
    assert stored(h) == []
    assert "stay until you delete them" in await reply(h, ANN, "/journal keep off")


async def test_the_journal_lists_entries_newest_first_and_counts_them_in_words(
    harness: Harness,
) -> None:
    h = harness
    learner(h, ANN, "Ann")
    await reply(h, ANN, "/journal Slowed down before the hard question.")
    assert "Your journal (1 entry, newest first)" in await reply(h, ANN, "/journal")
    await reply(h, ANN, "/cancel")
    await reply(h, ANN, "/journal Asked what the word meant to her.")
    listing = await reply(h, ANN, "/journal")
    assert "Your journal (2 entries, newest first)" in listing
    assert listing.index("Asked what") < listing.index("Slowed down")
