"""Spaced review on the clock: a missed question returns within days, a right one later;
nothing due means no review block; a pause means no reviews; reviews never complete a day."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.emulator.models import StoredMessage
from bot.learning.heatmap import DayMark
from bot.store.models import ReviewItem, ReviewPoll
from tests.e2e.harness import Harness, text_of
from tests.e2e.scenes import MONDAY_0730, learner, reply, services

ANN, BEN = 4301, 4302
TRACKS = ("cultural-humility", "burnout-prevention")
DAY = timedelta(days=1)


def split_review(messages: list[StoredMessage]) -> tuple[list[str], list[str]]:
    """The texts before the "Quick review" header, and the review questions after it."""
    texts = [text_of(m) for m in messages]
    headers = [i for i, t in enumerate(texts) if "Quick review" in t]
    if not headers:
        return texts, []
    return texts[: headers[0]], [t for t in texts[headers[0] + 1 :] if t.startswith("[quiz]")]


async def day(h: Harness, user_id: int, days: int) -> list[StoredMessage]:
    """Move to 07:30 Berlin ``days`` after Monday; the messages the tick sent."""
    before = len(h.emulator.bot_messages(user_id))
    await h.move_to(MONDAY_0730 + days * DAY)
    return h.emulator.bot_messages(user_id)[before:]


async def answer(h: Harness, user_id: int, question_start: str, *, right: bool) -> None:
    """Answer the open poll whose question starts like ``question_start``."""
    [poll] = [p for p in h.open_polls(user_id) if p.question.startswith(question_start)]
    key = poll.correct_option_ids[0]
    h.emulator.answer_poll(user_id, poll.id, [key if right else (key + 1) % len(poll.options)])
    await h.settle()


def items(h: Harness, user_id: int) -> list[ReviewItem]:
    with services(h).db.session() as session:
        query = select(ReviewItem).where(ReviewItem.learner_id == user_id)
        return list(session.exec(query).all())


async def test_a_missed_question_returns_the_next_day_a_right_one_later(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann", tracks=TRACKS)
    monday = await day(h, ANN, 0)
    assert split_review(monday)[1] == [], "nothing to review on day 1"
    polls = [p.question for p in h.open_polls(ANN)]
    missed, known = polls
    await answer(h, ANN, missed, right=False)
    await answer(h, ANN, known, right=True)
    by_question = {i.question_id: i for i in items(h, ANN)}
    assert len(by_question) == 2
    wrong, right = (i for i in sorted(by_question.values(), key=lambda i: i.stability or 0))
    assert wrong.due is not None and right.due is not None and right.due > wrong.due

    lesson, reviews = split_review(await day(h, ANN, 1))
    assert any("Try this:" in t for t in lesson), "the lesson comes first"
    assert reviews == [f"[quiz] {missed}"], "the miss is back on Tuesday, alone"
    later = []
    for n in range(2, 7):
        later += split_review(await day(h, ANN, n))[1]
        await h.answer_quiz(ANN)
    assert f"[quiz] {known}" in later, "the right answer came back later in the week"


async def test_nothing_due_no_review_block_and_a_retick_sends_nothing_twice(
    harness: Harness,
) -> None:
    h = harness
    learner(h, ANN, "Ann", tracks=TRACKS)
    learner(h, BEN, "Ben", tracks=TRACKS)
    await day(h, ANN, 0)
    await h.answer_quiz(ANN, correct=True)
    await h.answer_quiz(BEN, correct=False)
    tuesday = await day(h, ANN, 1)
    assert not any("Quick review" in text_of(m) for m in tuesday), "everything right: not due"
    ben = h.emulator.bot_messages(BEN)
    assert sum("Quick review" in text_of(m) for m in ben) == 1
    sent = len(h.emulator.bot_messages(BEN))
    await h.move_to(MONDAY_0730 + DAY + timedelta(minutes=5))
    assert len(h.emulator.bot_messages(BEN)) == sent, "no review is sent twice"


async def test_reviews_never_complete_a_day_and_an_answer_reschedules(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann", tracks=TRACKS)
    await day(h, ANN, 0)
    monday_questions = [p.question for p in h.open_polls(ANN)]
    await h.answer_quiz(ANN, correct=False)
    lesson, reviews = split_review(await day(h, ANN, 1))
    assert len(reviews) == 2
    before = {i.question_id: i.due for i in items(h, ANN) if i.reviews == 0}
    for question in monday_questions:
        await answer(h, ANN, question, right=True)
    assert not any("today done" in t for t in h.texts(ANN)[-3:]), "reviews are not the lesson"
    with services(h).db.session() as session:
        polls = session.exec(select(ReviewPoll).where(ReviewPoll.learner_id == ANN)).all()
    assert len(polls) == 2 and all(p.correct for p in polls)
    rescheduled = [i for i in items(h, ANN) if i.question_id in before and i.reviews == 1]
    assert len(rescheduled) == 2
    assert all(i.due is not None and i.due > before[i.question_id] for i in rescheduled)
    done = await h.answer_quiz(ANN)
    assert any("today done" in text_of(m) for m in done), "the lesson's own questions do"


async def test_a_pause_holds_reviews_and_they_follow_the_next_lesson(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann", tracks=TRACKS)
    await day(h, ANN, 0)
    await h.answer_quiz(ANN, correct=False)
    await h.say(ANN, "/pause 2")
    for n in (1, 2):
        assert await day(h, ANN, n) == [], "paused: no lesson, no review"
    lesson, reviews = split_review(await day(h, ANN, 3))
    assert any("Try this:" in t for t in lesson) and len(reviews) == 2


async def test_review_command_asks_what_is_due_or_says_when(harness: Harness) -> None:
    h = harness
    h.user(ANN, "Ann")
    assert "/start" in await reply(h, ANN, "/review"), "a stranger is pointed to /start"
    learner(h, ANN, "Ann", tracks=TRACKS)
    assert "Nothing to review yet" in await reply(h, ANN, "/review")
    await day(h, ANN, 0)
    await h.answer_quiz(ANN, correct=True)
    later = await reply(h, ANN, "/review")
    assert "Nothing due right now" in later and "Wednesday 4 March" in later

    h.clock.set(MONDAY_0730 + 2 * DAY - timedelta(hours=6))  # Wednesday 02:30 in Berlin
    sent = await h.say(ANN, "/review")
    assert text_of(sent[0]).startswith("Review: 2 questions due"), text_of(sent[0])
    assert [m.poll is not None for m in sent[1:]] == [True, True]
    assert "already in the chat" in await reply(h, ANN, "/review"), "not asked twice a day"
    await h.answer_quiz(ANN, correct=True)
    assert all(i.reviews == 1 and i.right_streak == 1 for i in items(h, ANN))


async def test_progress_shows_reviews_what_is_due_and_mastery(harness: Harness) -> None:
    h = harness
    learner(h, ANN, "Ann", tracks=TRACKS)
    await h.say(ANN, "/today")
    await h.answer_quiz(ANN, correct=True)
    assert "Review" not in await reply(h, ANN, "/progress"), "no review lines before any"

    h.clock.set(h.clock.now() + 2 * DAY)
    assert "Due for review now: 2 questions (/review)" in await reply(h, ANN, "/progress")
    await h.say(ANN, "/review")
    await h.answer_quiz(ANN, correct=True)
    assert all(i.mastered_at is None for i in items(h, ANN)), "one right review is not enough"
    due = max(i.due for i in items(h, ANN) if i.due is not None)
    h.clock.set(due + timedelta(minutes=1))
    await h.say(ANN, "/review")
    await h.answer_quiz(ANN, correct=True)  # the second in a row, earning weeks
    progress = await reply(h, ANN, "/progress")
    assert "Mastered in Cultural humility: 2 questions" in progress
    assert "Reviews: 4 of 4 right (100%)" in progress
    assert all(i.mastered_at is not None and i.due is None for i in items(h, ANN))
    assert "Nothing to review yet" in await reply(h, ANN, "/review"), "mastered: retired"


async def test_the_progress_calendar_marks_a_day_with_answered_reviews(harness: Harness) -> None:
    """Reviews answered on a day whose lesson is still open show as "reviewed" in the
    /progress picture's data (answered review polls, in the learner's own zone)."""
    h = harness
    learner(h, ANN, "Ann", tracks=TRACKS)
    await day(h, ANN, 0)
    monday_questions = [p.question for p in h.open_polls(ANN)]
    await h.answer_quiz(ANN, correct=False)
    await day(h, ANN, 1)
    calendar = services(h).progress.calendar(ANN)
    assert calendar is not None and calendar.count(DayMark.REVIEWED) == 0
    for question in monday_questions:
        await answer(h, ANN, question, right=True)
    calendar = services(h).progress.calendar(ANN)
    assert calendar is not None
    assert calendar.count(DayMark.REVIEWED) == 1 and calendar.count(DayMark.DONE) == 1
