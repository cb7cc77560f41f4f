"""Fair quizzes: each learner sees a question's options in their own order, and every
answer is stored as the lesson's option, not its place."""

from __future__ import annotations

from sqlmodel import select

from bot.store.models import Answer
from tests.e2e.harness import Harness
from tests.e2e.scenes import MONDAY_0730, learner, services

LEARNERS = range(4101, 4109)


def lesson_key(h: Harness, lesson_id: str, question_id: str) -> int:
    lesson = services(h).library.lessons[lesson_id]
    question = lesson.question(question_id)
    assert question is not None
    return question.correct_index


async def test_one_lesson_many_orders_every_right_answer_recorded_right(
    harness: Harness,
) -> None:
    h = harness
    for user_id in LEARNERS:
        learner(h, user_id, f"Learner {user_id}")
    await h.move_to(MONDAY_0730)
    orders = {tuple(tuple(p.options) for p in h.open_polls(user_id)) for user_id in LEARNERS}
    assert len(orders) > 1, "every learner saw the options in the same order"
    keys = {p.correct_option_ids[0] for u in LEARNERS for p in h.open_polls(u)}
    assert len(keys) > 1, "the key sat in the same place for everyone"

    for user_id in LEARNERS:
        await h.answer_quiz(user_id, correct=True)
    with services(h).db.session() as session:
        answers = session.exec(select(Answer)).all()
    assert len(answers) == 2 * len(LEARNERS)
    assert all(a.correct for a in answers)
    assert all(a.option_index == lesson_key(h, a.lesson_id, a.question_id) for a in answers), (
        "the stored option is the lesson's key, wherever it was shown"
    )


async def test_a_lesson_shown_again_keeps_its_order_and_a_wrong_answer_maps_back(
    harness: Harness,
) -> None:
    h = harness
    user_id = LEARNERS[0]
    learner(h, user_id, "Ann")
    await h.move_to(MONDAY_0730)
    first = [list(p.options) for p in h.open_polls(user_id)]
    await h.say(user_id, "/today")
    again = [list(p.options) for p in h.open_polls(user_id)][len(first) :]
    assert again == first, "/today shows the same order"

    poll = h.open_polls(user_id)[0]
    wrong = (poll.correct_option_ids[0] + 1) % len(poll.options)
    chosen_text = poll.options[wrong]
    h.emulator.answer_poll(user_id, poll.id, [wrong])
    await h.settle()
    with services(h).db.session() as session:
        answer = session.exec(select(Answer)).one()
    lesson = services(h).library.lessons[answer.lesson_id]
    question = lesson.question(answer.question_id)
    assert question is not None and not answer.correct
    assert question.options[answer.option_index] == chosen_text
