"""Sending an announcement to every recipient, once, within Telegram's limits.

Each fan-out runs as its own task so lessons keep flowing; the shared rate limiter keeps
the bot under Telegram's overall limit. A recipient is marked ``sending`` just before the
request leaves (``sending.marks``). Trouble that proves the message did not arrive (flood
control, a refused connection, a 5xx) puts the recipient back in the queue and the next
tick resumes; a timeout or a crash mid-request, after which the message may have arrived,
is settled as uncertain and reported to the author rather than risking a second copy.

Who is fanning an announcement out lives in the database (``Announcement.sender``): a
fan-out starts only by claiming it with a conditional update, so neither two workers nor
two ticks of one worker ever send the same announcement at once, and a recipient's row
is marked ``sending`` only while its fan-out is still this worker's.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from telegram import Bot, MessageEntity
from telegram.constants import MessageEntityType
from telegram.error import TelegramError

from bot.limits import telegram_length
from bot.services.announcements import INTERRUPTED, Content, Recipient
from bot.telegram import texts
from bot.telegram.context import AttuneContext
from bot.telegram.sending.failures import Failure, classify
from bot.telegram.sending.group_commit import GroupCommit
from bot.telegram.sending.marks import before_send
from bot.telegram.writes import short_write

logger = logging.getLogger(__name__)

BATCH = 30
# Fan-out tasks are named ``TASK_NAME:<announcement id>``: they stand out in task dumps,
# and code sharing the event loop can find them (the end-to-end harness waits for them).
TASK_NAME = "attune:announcement-fan-out"


def running() -> set[asyncio.Task[object]]:
    """The fan-outs running in this event loop (``attune demo`` and the tests wait for
    them to know the bot is done)."""
    return {
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith(f"{TASK_NAME}:") and not task.done()
    }


def rendered(content: Content, audience: str) -> tuple[str, list[MessageEntity]]:
    """The text (or caption) members receive: a header naming the team, then the content."""
    header = texts.announcement_header(audience)
    name = audience or texts.NOTICE_NAME
    bold = MessageEntity(MessageEntityType.BOLD, telegram_length("📣 "), telegram_length(name))
    shift = telegram_length(header)
    entities = [bold]
    for entity in content.entities:
        moved = {**entity, "offset": int(entity["offset"]) + shift}
        entities.append(MessageEntity.de_json(moved, None))
    return header + content.text, entities


async def deliver(bot: Bot, chat_id: int, content: Content, audience: str) -> None:
    """Send the announcement to one chat: text, photo or document, formatting intact."""
    text, entities = rendered(content, audience)
    if content.kind == "text":
        # The author's own formatting travels as entities, so no parse mode applies.
        await bot.send_message(chat_id, text, entities=entities, parse_mode=None)
        return
    assert content.file_id is not None  # a photo or document always carries its file
    if content.kind == "photo":
        await bot.send_photo(
            chat_id, content.file_id, caption=text, caption_entities=entities, parse_mode=None
        )
    else:
        await bot.send_document(
            chat_id, content.file_id, caption=text, caption_entities=entities, parse_mode=None
        )


def start(context: AttuneContext, announcement_ids: list[int]) -> None:
    """Start a fan-out task for each announcement; each sends only if its claim wins."""
    for announcement_id in announcement_ids:
        context.application.create_task(
            fan_out(context, announcement_id), name=f"{TASK_NAME}:{announcement_id}"
        )


async def fan_out(context: AttuneContext, announcement_id: int) -> None:
    """Claim the fan-out, send to every pending recipient, then report to the author.

    Only the elected sender fans out (Telegram's limit is the whole bot's): on another
    worker, "Send now" leaves it to the sender's next tick.
    """
    service, leases = context.services.announcements, context.services.leases
    marks = GroupCommit(service.mark_sending)
    if not leases.leader() and not await asyncio.to_thread(leases.renew):
        return
    if not await asyncio.to_thread(service.claim, announcement_id):
        return  # another task or worker is sending it
    try:
        found = await asyncio.to_thread(service.content, announcement_id)
        if found is None:
            return
        content, audience = found
        while batch := await asyncio.to_thread(service.next_recipients, announcement_id, BATCH):
            outcomes = await asyncio.gather(
                *(_send_one(context, marks, r, content, audience) for r in batch)
            )
            if not all(outcomes):
                return  # Telegram or the network is struggling: the next tick resumes
            if not leases.leader():
                return  # no longer the sender: the one elected now resumes it
        report = await asyncio.to_thread(service.finish_if_done, announcement_id)
        if report is not None and report.author_chat:
            await context.bot.send_message(report.author_chat, texts.delivery_report(report))
    finally:
        await asyncio.to_thread(service.release, announcement_id)


async def _send_one(
    context: AttuneContext,
    marks: GroupCommit[int],
    recipient: Recipient,
    content: Content,
    audience: str,
) -> bool:
    """Deliver to one recipient and settle its row; ``False`` means try again later.

    The row is settled with ``short_write``: on the loop while the database is free, in a
    thread while the ``sending`` marks of other recipients are being written.
    """
    services = context.services
    state, reason = "sent", None
    try:
        with before_send(partial(_mark, marks, recipient.delivery_id)):
            await deliver(context.bot, recipient.chat_id, content, audience)
    except TelegramError as error:
        if isinstance(error.__cause__, NotOurs):
            logger.warning("%s; this worker stops sending it", error.__cause__)
            return False
        failure = classify(error)
        state, reason = _settlement(failure, error)
        if failure is Failure.RETRY:
            logger.warning("announcement delivery postponed: %s", error)
        if failure is Failure.BLOCKED:
            await short_write(
                services.db, partial(services.learners.mark_blocked, recipient.learner_id)
            )
    settle = partial(services.announcements.settle, recipient.delivery_id, state, reason)
    await short_write(services.db, settle)
    return state != "pending"


class NotOurs(Exception):
    """The fan-out is another worker's now: this recipient's message must not go."""


async def _mark(marks: GroupCommit[int], delivery_id: int) -> None:
    """Mark the recipient ``sending`` as the request leaves; refuse if no longer ours."""
    if not await marks.record(delivery_id):
        raise NotOurs(f"announcement delivery {delivery_id} is sent by another worker now")


def _settlement(failure: Failure, error: TelegramError) -> tuple[str, str | None]:
    """The recipient's row after ``failure``: its state and the reason the author sees."""
    return {
        Failure.BLOCKED: ("blocked", "blocked the bot"),
        Failure.GONE: ("failed", "the chat no longer exists"),
        Failure.REFUSED: ("failed", error.message[:200]),
        Failure.UNCERTAIN: ("failed", INTERRUPTED),
        Failure.RETRY: ("pending", None),
    }[failure]
