"""/mydata exports everything about the learner; /deletemydata erases every row."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.services.announcements import Content
from bot.services.reviews import ReviewBlock, SentReview
from bot.store.queries.personal_data import tables_about_learners
from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import learner

pytestmark = pytest.mark.both_databases

ANN, BEN = 7001, 7002


def rows_about(h: Harness, learner_id: int) -> dict[str, int]:
    """Scan every table that can mention a learner."""
    counts: dict[str, int] = {}
    with h.services.db.session() as session:  # type: ignore[union-attr]
        for table, column in tables_about_learners():
            found = session.execute(select(table).where(table.c[column] == learner_id)).all()
            counts[table.name] = len(found)
    return counts


async def learner_with_history(h: Harness, user_id: int, name: str) -> None:
    """A learner with lessons, answers, review items and a review poll sent, a team, a
    challenge and a challenge choice, a journal entry kept for 90 days and a practice they
    said they would try."""
    learner(h, user_id, name)
    services = h.services
    assert services is not None
    team = services.teams.create(user_id, f"{name}'s clinic")
    challenge = services.challenges.start(user_id, team.id, "cultural-humility", 2, None)
    services.challenges.choose(user_id, challenge.id)
    await h.say(user_id, "/today")
    await h.answer_quiz(user_id)
    services.journal.keep(user_id, 90)
    services.journal.write(user_id, "Slowed down before the hard question.")
    await h.tap(user_id, "I'll try it")
    h.clock.set(h.clock.now() + timedelta(days=3))
    block = services.reviews.now_for(user_id)
    assert isinstance(block, ReviewBlock)
    first = block.questions[0]
    sent = SentReview(f"review-{user_id}", first.item_id, user_id, 0, "")
    services.reviews.record_sent([sent])


def in_each_others_teams_with_announcements(h: Harness) -> None:
    """Ann and Ben join each other's teams and each announces: rows on both sides."""
    services = h.services
    assert services is not None
    teams = {who: services.teams.teams_of(who)[0] for who in (ANN, BEN)}
    for who, other in ((ANN, BEN), (BEN, ANN)):
        services.teams.request_join(who, teams[other].code)
        services.teams.answer_consent(who, teams[other].id, join=True, show_name=False)
    for who in (ANN, BEN):
        draft = services.announcements.draft(who, teams[who].id, Content("text", "Hello team"))
        services.announcements.send_now(who, draft.id)


async def test_mydata_sends_a_json_file_of_everything_stored(harness: Harness) -> None:
    h = harness
    await learner_with_history(h, ANN, "Ann")
    [reply] = await h.say(ANN, "/mydata")
    assert reply.document is not None and reply.document["file_name"] == "attune-my-data.json"
    data = json.loads(h.emulator.world.files[reply.document["file_id"]].data)
    assert data["learner"][0]["id"] == ANN and data["learner"][0]["zone"] == "Europe/Berlin"
    assert len(data["delivery"]) == 1 and len(data["answer"]) == 2 and len(data["quizpoll"]) == 2


async def test_deletemydata_asks_then_erases_every_row_and_nobody_elses(harness: Harness) -> None:
    h = harness
    await learner_with_history(h, ANN, "Ann")
    await learner_with_history(h, BEN, "Ben")
    in_each_others_teams_with_announcements(h)
    assert all(count > 0 for count in rows_about(h, ANN).values()), rows_about(h, ANN)

    # Ann is the only facilitator of her clinic, where Ben is: she hands over first.
    offer = "\n".join(text_of(m) for m in await h.say(ANN, "/deletemydata"))
    assert "only facilitator of Ann's clinic" in offer
    await h.tap(ANN, "Choose a co-facilitator")
    await h.tap(ANN, "Make facilitator: Ben")

    await h.say(ANN, "/deletemydata")
    kept = "\n".join(text_of(m) for m in await h.tap(ANN, "Keep my data"))
    assert "Nothing was deleted" in kept and rows_about(h, ANN)["learner"] == 1

    await h.say(ANN, "/deletemydata")
    done = "\n".join(text_of(m) for m in await h.tap(ANN, "Delete everything"))
    assert "everything Attune stored about you is deleted" in done
    assert set(rows_about(h, ANN).values()) == {0}
    # Ben keeps everything of his own; only his copy of Ann's announcement went with hers.
    left = rows_about(h, BEN)
    assert all(
        left[t] > 0 for t in ("learner", "delivery", "answer", "membership", "announcement")
    )
    assert "don't store anything" in text_of((await h.say(ANN, "/mydata"))[0])
    teams = h.services.teams.teams_of(BEN)  # type: ignore[union-attr]
    assert [(t.name, t.role, t.members) for t in teams] == [
        ("Ann's clinic", "facilitator", 1),  # Ann's team lives on, with Ben facilitating
        ("Ben's clinic", "facilitator", 1),
    ]
