"""The delivery tick: what is due now, and the notices that go with challenges.

The JobQueue is only a trigger: what is due comes from the database every tick, so a
restart, a crash or downtime loses nothing. Sending a lesson is ``bot.telegram.sending.lessons``.

Of several workers on one database, only the elected sender (``bot.services.lease``) runs
the tick's sending; the others keep handling updates and try for the lease each tick.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from bot.config import Settings
from bot.health import write_heartbeat
from bot.services.announcements import Held
from bot.services.delivery import Outgoing
from bot.services.reviews import ReviewBlock
from bot.telegram import texts
from bot.telegram.context import AttuneContext
from bot.telegram.keyboards import follow_up_keyboard
from bot.telegram.sending import announcements as fanout
from bot.telegram.sending import reviews as review_sending
from bot.telegram.sending.group_commit import GroupCommit
from bot.telegram.sending.lessons import send_outgoing
from bot.telegram.sending.notices import post as _post

logger = logging.getLogger(__name__)

CLAIM_BATCH = 500
CONCURRENT_SENDS = 32
# Paid broadcasts go up to 1,000 messages/s: at ~0.3 s a request, ~300 lessons at once.
PAID_CONCURRENT_SENDS = 320
CHECKPOINT_SECONDS = 5.0
TICK_JOB = "delivery-tick"
LEASE_JOB = "sender-lease"


async def tick(context: AttuneContext) -> None:
    """Send everything that is due: interrupted deliveries first, then new ones."""
    services = context.services
    settings = context.job.data if context.job is not None else None
    if isinstance(settings, Settings):
        write_heartbeat(settings.heartbeat_file, services.clock.now())
    context.metrics.heartbeat()
    leader = services.leases.leader() or await _renewed(context)
    context.metrics.set_leader(leader)
    if not leader:
        return  # another worker sends; this one handles updates
    context.metrics.backlog.set(await asyncio.to_thread(services.deliveries.backlog))
    pending = await asyncio.to_thread(services.deliveries.unfinished)
    await _send_all(context, pending)
    while services.leases.leader():
        batch = await asyncio.to_thread(services.deliveries.claim_due, CLAIM_BATCH)
        if not batch:
            break
        # No review block under a content note: the learner has not chosen to open the
        # lesson yet, and quiz questions right after a note on a hard topic would jar.
        lessons = [(o.learner_id, o.lesson.id) for o in batch if not o.note_first]
        reviews = await asyncio.to_thread(services.reviews.after_lessons, lessons)
        await _send_all(context, batch, reviews)
        await _ask_follow_ups(context, batch)
        if len(batch) < CLAIM_BATCH:
            break
    if not services.leases.leader():
        return
    await _post_challenge_news(context)
    due = await asyncio.to_thread(services.announcements.due)
    fanout.start(context, due.sending)
    await _post_held(context, due.held)
    await asyncio.to_thread(services.updates.prune)
    await asyncio.to_thread(services.journal.forget_expired)


async def renew_lease(context: AttuneContext) -> None:
    """Keep this worker's leases; on being elected, send what is due at once."""
    leases = context.services.leases
    was = leases.leader()
    leading = await _renewed(context)
    context.metrics.set_leader(leading)
    if leading and not was and context.job_queue is not None:
        for job in context.job_queue.get_jobs_by_name(TICK_JOB):
            job.job.modify(next_run_time=datetime.now(UTC))


async def _renewed(context: AttuneContext) -> bool:
    """Renew the leases off the loop. A database failure goes to the error handler (the
    work stays due); the lease then lapses, so nothing is sent twice meanwhile."""
    return await asyncio.to_thread(context.services.leases.renew)


async def checkpoint(context: AttuneContext) -> None:
    """Fold SQLite's write-ahead log into the database, off the event loop.

    Commits never checkpoint (``bot.store.engine``), so this is what keeps the log short:
    at 200 answers/s it gains a few MB every few seconds. A failure (a full or read-only
    disk) is logged and the next run tries again; nothing is lost meanwhile.
    """
    try:
        await asyncio.to_thread(context.services.db.checkpoint)
    except Exception as error:  # noqa: BLE001 - a checkpoint must never stop the bot
        logger.warning("checkpoint failed, will retry: %s", error)


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


async def _ask_follow_ups(context: AttuneContext, batch: list[Outgoing]) -> None:
    """After a batch of lessons: "did you try it?" to those whose practice is due now."""
    learners = [outgoing.learner_id for outgoing in batch]
    due = await asyncio.to_thread(context.services.practice.due_follow_ups, learners)
    for item in due:
        keyboard = follow_up_keyboard(item.practice.delivery_id)
        await _post(context, item.chat_id, texts.follow_up(item.practice), keyboard)


async def _post_held(context: AttuneContext, held: list[Held]) -> None:
    """Tell the audience's facilitators (the operators) which announcements were held back."""
    for item in held:
        for chat_id, zone in item.tell:
            await _post(context, chat_id, texts.announcement_held(item, zone))


async def _send_all(
    context: AttuneContext, batch: list[Outgoing], reviews: dict[int, ReviewBlock] | None = None
) -> None:
    """Send a batch concurrently; the rate limiter keeps us within Telegram's limits.

    One ``GroupCommit`` for the batch: the progress of concurrent sends shares commits.
    A lesson sent in full is followed by the learner's review block, if one was claimed.
    A worker that is no longer the sender starts none of those still waiting: it hands
    them back, and the new sender resumes them.
    """
    deliveries = context.services.deliveries
    paid = context.settings.paid_broadcast
    gate = asyncio.Semaphore(PAID_CONCURRENT_SENDS if paid else CONCURRENT_SENDS)
    journal = GroupCommit(deliveries.record)
    review_journal = GroupCommit(context.services.reviews.record_sent)
    reviews = reviews or {}
    handed_back: list[int] = []

    async def one(outgoing: Outgoing) -> None:
        async with gate:
            if not context.services.leases.leader():
                handed_back.append(outgoing.delivery_id)
            elif await send_outgoing(context, outgoing, journal, broadcast=True):
                block = reviews.get(outgoing.learner_id)
                await review_sending.after_lesson(context, block, review_journal)

    await asyncio.gather(*(one(outgoing) for outgoing in batch))
    if handed_back:
        await asyncio.to_thread(deliveries.release, handed_back)
