"""Sending one day's lesson, part by part, never a part twice.

Each part (the lesson text, each quiz poll, and after a crash a short note) is marked in
flight just before its request leaves (``sending.marks``, after the rate limiter's wait)
and as sent after it, through a ``GroupCommit`` shared by every delivery of a tick. What
a failure means for the part decides what happens next: a refusal or a connection that
never opened is sent again later; a timeout may have been delivered, so it is treated like
a crash (see ``bot.services.delivery``).

What is in flight lives in the database: the delivery names this worker as its sender
for the run, and each part's in-flight mark is written only while it still does. A
worker that stalled past its lease and lost the delivery to another sends nothing more.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import LinkPreviewOptions
from telegram.constants import PollType
from telegram.error import TelegramError

from bot.services.delivery import Outgoing, SendingState, SentPoll
from bot.telegram import texts
from bot.telegram.context import AttuneContext
from bot.telegram.keyboards import lesson_again_keyboard
from bot.telegram.sending.failures import Failure, classify
from bot.telegram.sending.group_commit import GroupCommit
from bot.telegram.sending.marks import before_send
from bot.telegram.team_keyboards import counting_keyboard
from bot.telegram.writes import short_write

logger = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

Journal = GroupCommit[SendingState]


class NotOwner(Exception):
    """The delivery is another worker's now: the part about to go must not."""


async def send_outgoing(
    context: AttuneContext, outgoing: Outgoing, journal: Journal | None = None
) -> bool:
    """Send the parts of a lesson not sent yet; return whether it all went out.

    However the run ends, the delivery is handed back (its sender cleared), so the next
    tick of whichever worker sends resumes what is left.
    """
    deliveries = context.services.deliveries
    run = _Run(context, outgoing, journal or GroupCommit(deliveries.record))
    try:
        await run.send_all()
    except TelegramError as error:
        await run.stopped_by(error)
        return False
    finally:
        if not run.handed_back:
            release = partial(deliveries.release, [outgoing.delivery_id])
            await short_write(context.services.db, release)
    return True


class _Run:
    """One delivery being sent: which parts are left and what to record next."""

    def __init__(self, context: AttuneContext, outgoing: Outgoing, journal: Journal) -> None:
        self.context, self.outgoing, self.journal = context, outgoing, journal
        self.done = outgoing.parts_sent
        self.poll: SentPoll | None = None
        self.questions = outgoing.lesson.questions
        self.handed_back = outgoing.resend  # showing a sent lesson again owns no row

    def plan(self) -> list[int]:
        """Part numbers still to send: 0 the text, 1.. the questions, then the note."""
        answered, n = self.outgoing.answered, len(self.questions)
        parts = [0] if self.done == 0 else []
        parts += [
            index
            for index, question in enumerate(self.questions, start=1)
            if index >= self.done and question.id not in answered
        ]
        if self.outgoing.uncertain and self.done <= n + 1:
            parts.append(n + 1)
        return parts

    async def send_all(self) -> None:
        first_time = self.done == 0 and not self.outgoing.resend
        plan = self.plan()
        for index in plan:
            with before_send(partial(self.note, in_flight=index)):
                self.poll = await self.send(index)
            self.done = index + 1
            # Confirm at once: the next part may wait a while for the rate limiter.
            last = index == plan[-1]
            await self.note(in_flight=None, state="sent" if last else "claimed", last=last)
        if not plan:
            await self.note(in_flight=None, state="sent", last=True)
        tag = self.outgoing.challenge
        if first_time and tag is not None and tag.alternatives:
            await self.context.bot.send_message(
                self.outgoing.chat_id,
                texts.choose_counting(tag.team_name, tag.chosen),
                reply_markup=counting_keyboard(
                    tag.alternatives, keep=(tag.challenge_id, tag.team_name)
                ),
            )

    async def note(
        self, *, in_flight: int | None, state: str = "claimed", last: bool = False
    ) -> None:
        """Record progress (and the poll just sent) before the next request goes out.

        Showing a lesson again (/today) records only its new polls: the day's own
        bookkeeping is already settled. ``last`` ends the run and hands the delivery back.
        Raises ``NotOwner`` for a part about to go whose delivery another worker took.
        """
        outgoing = self.outgoing
        if outgoing.resend and self.poll is None:
            return
        progress = SendingState(
            outgoing.delivery_id,
            outgoing.learner_id,
            self.done,
            in_flight,
            state,
            self.poll,
            update_row=not outgoing.resend,
            running=not last,
        )
        written = await self.journal.record(progress)
        self.poll = None
        self.handed_back = self.handed_back or last or not written
        if not written and in_flight is not None:
            raise NotOwner(f"delivery {outgoing.delivery_id} is sent by another worker now")

    async def send(self, index: int) -> SentPoll | None:
        """Send part ``index``; a quiz poll returns what is needed to match its answers."""
        bot, outgoing, library = self.context.bot, self.outgoing, self.context.services.library
        lesson, chat_id = outgoing.lesson, outgoing.chat_id
        if index == 0:
            tag = outgoing.challenge
            label = texts.challenge_label(tag.team_name, tag.day, tag.length) if tag else ""
            text = texts.lesson_message(
                lesson,
                library.sources_for(lesson),
                library.tracks[lesson.track_id].title,
                outgoing.review,
                label,
            )
            await bot.send_message(chat_id, text, link_preview_options=NO_PREVIEW)
            return None
        if index > len(self.questions):
            await bot.send_message(
                chat_id, texts.LESSON_MAY_BE_MISSING, reply_markup=lesson_again_keyboard()
            )
            return None
        question = self.questions[index - 1]
        message = await bot.send_poll(
            chat_id,
            question.text,
            list(question.options),
            is_anonymous=False,
            type=PollType.QUIZ,
            # PTB types option ids as the literals 0-11; the loader caps options at 10.
            correct_option_ids=[question.correct_index],  # type: ignore[list-item]
            explanation=question.explanation,
            # Lesson text is plain: "&" or "<" in a question or explanation is literal.
            question_parse_mode=None,
            explanation_parse_mode=None,
        )
        # The type: ignore below: send_poll always returns the poll it sent.
        return SentPoll(message.poll.id, question.id, question.correct_index)  # type: ignore[union-attr]

    async def stopped_by(self, error: TelegramError) -> None:
        """Settle a part Telegram did not take: retry later, give up, or leave uncertain."""
        outgoing, learners = self.outgoing, self.context.services.learners
        delivery_id, failure = outgoing.delivery_id, classify(error)
        if isinstance(error.__cause__, NotOwner):
            logger.warning("%s; this worker stops sending it", error.__cause__)
        elif failure in (Failure.BLOCKED, Failure.GONE):
            logger.info("learner %s cannot be reached (%s); skipping them",
                        outgoing.learner_id, error.message)  # fmt: skip
            await short_write(
                self.context.services.db, partial(learners.mark_blocked, outgoing.learner_id)
            )
            await self.note(in_flight=None, state="failed", last=True)
        elif failure is Failure.REFUSED:
            logger.error("Telegram refused delivery %s: %s", delivery_id, error.message)
            await self.note(in_flight=None, state="failed", last=True)
        elif failure is Failure.UNCERTAIN:
            logger.warning("delivery %s: a part may have arrived (%s); not resending it",
                           delivery_id, error)  # fmt: skip
        else:
            logger.warning("delivery %s interrupted (%s); will resume", delivery_id, error)
            await self.note(in_flight=None, last=True)
