"""A lesson question as a Telegram quiz poll, its options in the learner's own order.

Shared by a lesson's own quiz and by spaced review, so both show the options the same
way: shuffled (``bot.learning.shuffle``), the key marked at its shown place, and the
explanation along with it.
"""

from __future__ import annotations

from telegram import Bot
from telegram.constants import PollType

from bot.content.model import Question
from bot.learning import shuffle


async def send_quiz(
    bot: Bot,
    chat_id: int,
    question: Question,
    order: tuple[int, ...],
    paid: bool | None = None,
) -> tuple[str, int]:
    """Send ``question`` as a quiz poll with its options in ``order``; the explanation goes
    along. Returns the poll's id and the key's place as shown."""
    key = shuffle.position_of(order, question.correct_index)
    message = await bot.send_poll(
        chat_id,
        question.text,
        shuffle.shown_options(question.options, order),
        is_anonymous=False,
        type=PollType.QUIZ,
        # PTB types option ids as the literals 0-11; the loader caps options at 10.
        correct_option_ids=[key],  # type: ignore[list-item]
        explanation=question.explanation,
        # Lesson text is plain: "&" or "<" in a question or explanation is literal.
        question_parse_mode=None,
        explanation_parse_mode=None,
        allow_paid_broadcast=paid,
    )
    # The type: ignore below: send_poll always returns the poll it sent.
    return message.poll.id, key  # type: ignore[union-attr]
