"""Sending one day's lesson, part by part, never a part twice.

Each part (the lesson text, each quiz poll, and after a crash a short note) is marked in
flight just before its request leaves (``sending.marks``, after the rate limiter's wait)
and as sent after it, through a ``GroupCommit`` shared by every delivery of a tick. What
a failure means for the part decides what happens next: a refusal or a connection that
never opened is sent again later; a timeout may have been delivered, so it is treated like
a crash (see ``bot.services.delivery``).

A sensitive lesson first goes out as its content note alone, recorded the same way; the
lesson follows only if the learner presses "Show the lesson" (``handlers.content_notes``).

What is in flight lives in the database: the delivery names this worker as its sender
for the run, and each part's in-flight mark is written only while it still does. A
worker that stalled past its lease and lost the delivery to another sends nothing more.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import LinkPreviewOptions
from telegram.error import TelegramError

from bot.learning import shuffle
from bot.learning.content_notes import NOTE_DUE, NOTE_SENT
from bot.services.delivery import Outgoing, SendingState, SentPoll
from bot.telegram import texts
from bot.telegram.context import AttuneContext
from bot.telegram.keyboards import content_note_keyboard, lesson_again_keyboard
from bot.telegram.sending.failures import Failure, classify
from bot.telegram.sending.group_commit import GroupCommit
from bot.telegram.sending.marks import before_send
from bot.telegram.sending.quiz import send_quiz
from bot.telegram.team_keyboards import counting_keyboard
from bot.telegram.writes import short_write

logger = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

Journal = GroupCommit[SendingState]


class NotOwner(Exception):
    """The delivery is another worker's now: the part about to go must not."""


async def send_outgoing(
    context: AttuneContext,
    outgoing: Outgoing,
    journal: Journal | None = None,
    *,
    broadcast: bool = False,
) -> bool:
    """Send the parts of a lesson not sent yet; return whether it all went out.

    ``broadcast``: the tick's scheduled sending, which goes out as a paid broadcast when
    ``ATTUNE_PAID_BROADCAST`` is on (a learner's own /today never does).

    However the run ends, the delivery is handed back (its sender cleared), so the next
    tick of whichever worker sends resumes what is left.
    """
    deliveries = context.services.deliveries
    run = _Run(context, outgoing, journal or GroupCommit(deliveries.record))
    run.paid = True if broadcast and context.settings.paid_broadcast else None
    try:
        await run.send_all()
    except TelegramError as error:
        await run.stopped_by(error)
        _measure(context, outgoing, classify(error).value)
        return False
    finally:
        if not run.handed_back:
            release = partial(deliveries.release, [outgoing.delivery_id])
            await short_write(context.services.db, release)
    _measure(context, outgoing, "sent")
    return True


def _measure(context: AttuneContext, outgoing: Outgoing, outcome: str) -> None:
    """Count a delivery's outcome and, for a scheduled lesson sent, how late it went out.

    A lesson shown again (/today) is no delivery of its own and is not counted.
    """
    if outgoing.resend:
        return
    context.metrics.delivery_ended(outcome)
    if outcome == "sent" and outgoing.due_at is not None:
        late = context.services.clock.now() - outgoing.due_at
        context.metrics.lateness.observe(max(late.total_seconds(), 0.0))


class _Run:
    """One delivery being sent: which parts are left and what to record next."""

    def __init__(self, context: AttuneContext, outgoing: Outgoing, journal: Journal) -> None:
        self.context, self.outgoing, self.journal = context, outgoing, journal
        self.done = outgoing.parts_sent
        self.poll: SentPoll | None = None
        self.questions = outgoing.lesson.questions
        # Telegram's allow_paid_broadcast: up to 1,000 messages/s, paid in Stars. ``None``
        # leaves the parameter out, so a free send is the same request as ever. PTB's
        # AIORateLimiter reads it and paces these sends at its paid ceiling, not 30/s.
        self.paid: bool | None = None
        # What a part not sent yet leaves the day in: the note, or the lesson, still due.
        self.unsent = NOTE_DUE if outgoing.note_first else "claimed"
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
        if self.outgoing.note_first:
            await self.send_note()
            return
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
                allow_paid_broadcast=self.paid,
            )

    async def send_note(self) -> None:
        """A sensitive lesson's content note alone, with "Show the lesson" and "Skip
        today"; marked in flight and then asked, so it is never sent twice either."""
        outgoing, library = self.outgoing, self.context.services.library
        lesson = outgoing.lesson
        title = library.tracks[lesson.track_id].title
        text = texts.content_note(lesson, title, outgoing.review, self.label())
        with before_send(partial(self.note, in_flight=0)):
            await self.context.bot.send_message(
                outgoing.chat_id, text, reply_markup=content_note_keyboard(outgoing.delivery_id)
            )
        await self.note(in_flight=None, state=NOTE_SENT, last=True)

    async def note(
        self, *, in_flight: int | None, state: str | None = None, last: bool = False
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
            state or self.unsent,
            self.poll,
            update_row=not outgoing.resend,
            running=not last,
        )
        written = await self.journal.record(progress)
        self.poll = None
        self.handed_back = self.handed_back or last or not written
        if not written and in_flight is not None:
            raise NotOwner(f"delivery {outgoing.delivery_id} is sent by another worker now")

    def label(self) -> str:
        """The line under the lesson's title for a team challenge's lesson, else empty."""
        tag = self.outgoing.challenge
        return texts.challenge_label(tag.team_name, tag.day, tag.length) if tag else ""

    async def send(self, index: int) -> SentPoll | None:
        """Send part ``index``; a quiz poll returns what is needed to match its answers."""
        bot, outgoing, library = self.context.bot, self.outgoing, self.context.services.library
        lesson, chat_id = outgoing.lesson, outgoing.chat_id
        if index == 0:
            text = texts.lesson_message(
                lesson,
                library.sources_for(lesson),
                library.tracks[lesson.track_id].title,
                outgoing.review,
                self.label(),
            )
            await bot.send_message(
                chat_id, text, link_preview_options=NO_PREVIEW, allow_paid_broadcast=self.paid
            )
            return None
        if index > len(self.questions):
            await bot.send_message(
                chat_id,
                texts.LESSON_MAY_BE_MISSING,
                reply_markup=lesson_again_keyboard(),
                allow_paid_broadcast=self.paid,
            )
            return None
        question = self.questions[index - 1]
        occasion = shuffle.delivery_occasion(outgoing.delivery_id)
        order = shuffle.option_order(
            outgoing.learner_id, occasion, question.id, len(question.options)
        )
        poll_id, key = await send_quiz(bot, chat_id, question, order, self.paid)
        return SentPoll(poll_id, question.id, key, shuffle.encode(order))

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
