"""The delivery tick and the sending of one day's lesson.

The JobQueue is only a trigger: what is due comes from the database every tick, so a
restart, a crash or downtime loses nothing. Each sent part is recorded at once, so an
interrupted delivery resumes where it stopped instead of starting again.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode, PollType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import fanout, texts
from bot.config import Settings
from bot.handlers.context import AttuneContext
from bot.handlers.team_keyboards import counting_keyboard
from bot.health import write_heartbeat
from bot.services import Services
from bot.services.delivery import Outgoing, SentPoll

logger = logging.getLogger(__name__)

CLAIM_BATCH = 500
CONCURRENT_SENDS = 32
GONE_CHAT = ("chat not found", "user is deactivated", "bot was kicked")

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

_in_flight: set[int] = set()


async def tick(context: AttuneContext) -> None:
    """Send everything that is due: interrupted deliveries first, then new ones."""
    services = context.services
    settings = context.job.data if context.job is not None else None
    if isinstance(settings, Settings):
        write_heartbeat(settings.heartbeat_file, services.clock.now())
    pending = await asyncio.to_thread(services.deliveries.unfinished, set(_in_flight))
    await _send_all(context, pending)
    while True:
        batch = await asyncio.to_thread(services.deliveries.claim_due, CLAIM_BATCH)
        if not batch:
            break
        await _send_all(context, batch)
        if len(batch) < CLAIM_BATCH:
            break
    await _post_challenge_news(context)
    fanout.start(context, await asyncio.to_thread(services.announcements.due))


async def _post_challenge_news(context: AttuneContext) -> None:
    """End-of-challenge summaries to members and groups; evening digests to groups.

    Each is marked sent before it goes out: a crash may lose one, never repeat it.
    """
    summaries, digests = await asyncio.to_thread(context.services.challenges.due_broadcasts)
    for item in summaries:
        chats = (*item.member_chats, *((item.group_chat_id,) if item.group_chat_id else ()))
        for chat_id in chats:
            await _post(context, chat_id, texts.challenge_summary(item))
    for item in digests:
        if item.group_chat_id is not None:
            await _post(context, item.group_chat_id, texts.group_digest(item))


async def _post(context: AttuneContext, chat_id: int, text: str) -> None:
    """Send one notice; a chat that is gone or blocked must not stop the others."""
    try:
        await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramError as error:
        logger.warning("could not post to chat %s: %s", chat_id, error)


async def _send_all(context: AttuneContext, batch: list[Outgoing]) -> None:
    """Send a batch concurrently; the rate limiter keeps us within Telegram's limits."""
    gate = asyncio.Semaphore(CONCURRENT_SENDS)

    async def one(outgoing: Outgoing) -> None:
        async with gate:
            await send_outgoing(context, outgoing)

    await asyncio.gather(*(one(outgoing) for outgoing in batch))


async def send_outgoing(context: AttuneContext, outgoing: Outgoing) -> bool:
    """Send the parts of a lesson not sent yet; return whether it all went out."""
    services = context.services
    _in_flight.add(outgoing.delivery_id)
    try:
        await _send_parts(context, services, outgoing)
    except Forbidden:
        logger.info("learner %s blocked the bot; skipping them", outgoing.learner_id)
        services.learners.mark_blocked(outgoing.learner_id)
        services.deliveries.finish(outgoing.delivery_id, "failed")
        return False
    except BadRequest as error:
        if any(reason in error.message.lower() for reason in GONE_CHAT):
            services.learners.mark_blocked(outgoing.learner_id)
        logger.error("Telegram refused delivery %s: %s", outgoing.delivery_id, error.message)
        services.deliveries.finish(outgoing.delivery_id, "failed")
        return False
    except (RetryAfter, NetworkError) as error:
        logger.warning("delivery %s interrupted (%s); will resume", outgoing.delivery_id, error)
        return False
    except TelegramError:
        logger.exception("delivery %s failed; will resume", outgoing.delivery_id)
        return False
    finally:
        _in_flight.discard(outgoing.delivery_id)
    return True


async def _send_parts(context: AttuneContext, services: Services, outgoing: Outgoing) -> None:
    lesson, library, tag = outgoing.lesson, services.library, outgoing.challenge
    first_time = outgoing.parts_sent == 0
    if first_time:
        label = texts.challenge_label(tag.team_name, tag.day, tag.length) if tag else ""
        text = texts.lesson_message(
            lesson,
            library.sources_for(lesson),
            library.tracks[lesson.track_id].title,
            outgoing.review,
            label,
        )
        await context.bot.send_message(
            outgoing.chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
        )
        services.deliveries.part_sent(outgoing.delivery_id, 0)
    for index, question in enumerate(lesson.questions, start=1):
        if index < outgoing.parts_sent or question.id in outgoing.answered:
            continue
        message = await context.bot.send_poll(
            outgoing.chat_id,
            question.text,
            list(question.options),
            is_anonymous=False,
            type=PollType.QUIZ,
            correct_option_ids=[question.correct_index],
            explanation=question.explanation,
        )
        poll = SentPoll(message.poll.id, question.id, question.correct_index)  # type: ignore[union-attr]
        services.deliveries.part_sent(outgoing.delivery_id, index, poll)
    services.deliveries.finish(outgoing.delivery_id)
    if first_time and tag is not None and tag.alternatives:
        await context.bot.send_message(
            outgoing.chat_id,
            texts.choose_counting(tag.team_name),
            parse_mode=ParseMode.HTML,
            reply_markup=counting_keyboard(tag.alternatives),
        )
