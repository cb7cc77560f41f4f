"""Build the services and the python-telegram-bot ``Application``.

``attune run``, ``attune demo`` and the end-to-end tests all start the bot through these
two functions, so what the tests exercise is what runs in production.
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import timedelta

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content.loader import load_library
from bot.metrics import Metrics
from bot.services import Services
from bot.store import schema
from bot.store.engine import Database
from bot.telegram import texts
from bot.telegram.context import (
    PRIVATE,
    SERVICES_KEY,
    AttuneApplication,
    AttuneContext,
    attach_services,
    attach_worker,
)
from bot.telegram.handlers import (
    announcements,
    commands,
    content_notes,
    errors,
    feedback,
    journal,
    membership,
    onboarding,
    practice,
    privacy,
    quiz,
    reviews,
    team_actions,
)
from bot.telegram.jobs import (
    CHECKPOINT_SECONDS,
    LEASE_JOB,
    TICK_JOB,
    checkpoint,
    renew_lease,
    tick,
)
from bot.telegram.sending.http import TelegramHTTP
from bot.telegram.update_order import PerChatUpdateProcessor

logger = logging.getLogger(__name__)

# Everything but ``poll``: Telegram sends one for every vote on a poll the bot sent (new
# counts), and we read votes from ``poll_answer`` alone, so it would double the updates
# we fetch and parse while a cohort answers its quiz, for nothing.
ALLOWED_UPDATES = [kind for kind in Update.ALL_TYPES if kind != Update.POLL]

# Requests in flight at once. At Telegram's ~30 messages/s and ~0.3 s a request, about 9
# are in flight; the rest is room for replies to learners while a fan-out runs.
CONNECTIONS = 16
# With paid broadcasts (up to 1,000 messages/s) ~300 requests are in flight at once.
PAID_CONNECTIONS = 320


def build_services(settings: Settings, clock: Clock) -> Services:
    """Load and validate the lessons (raising ``ContentError``) and open the database.

    Review dates are checked against the real calendar: ``clock`` may be a simulated one.
    """
    library = load_library(settings.lessons_dir, SystemClock().now().date())
    db = Database(settings.database_url)
    schema.upgrade(db.engine)
    return Services.create(
        db,
        library,
        clock,
        admins=settings.admin_ids,
        announcement_cap=settings.announcement_cap,
        review_retention=settings.review_retention,
        follow_up_after=settings.practice_follow_up_days,
        lease_ttl=timedelta(seconds=settings.lease_seconds),
    )


def build_application(
    settings: Settings, services: Services, *, rate_limiter: bool = True
) -> AttuneApplication:
    """The real bot: handlers, rate limiter, error handler and the delivery tick.

    Updates from different users are handled concurrently, each user's in order
    (``PerChatUpdateProcessor``), so one learner's slow step never holds up another's.

    ``rate_limiter=False`` leaves out PTB's ``AIORateLimiter``; only benchmarks that measure
    the bot's own cost per message use it. Production always keeps Telegram's limits.
    """
    if settings.token is None:
        raise ValueError("a token is required to build the application")
    # Opt in to PTB's timedelta durations now rather than warn on every RetryAfter.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    metrics = Metrics()
    connections = PAID_CONNECTIONS if settings.paid_broadcast else CONNECTIONS
    builder = (
        ApplicationBuilder()
        .token(settings.token.reveal())
        .context_types(ContextTypes(context=AttuneContext))
        # Every text we write is HTML (user input is escaped in ``texts``); sends that
        # carry entities or plain lesson text say parse_mode=None.
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .post_init(_register_commands)
        .post_shutdown(_hand_over)
        .request(TelegramHTTP(connection_pool_size=connections, metrics=metrics))
        .get_updates_request(TelegramHTTP())
        .concurrent_updates(PerChatUpdateProcessor())
    )
    if rate_limiter:
        # PTB's builder is typed for a rate limiter without per-request arguments (None);
        # AIORateLimiter takes a dict of them. The two are the same at run time.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    if settings.api_base_url:
        file_url = settings.api_base_url.removesuffix("/bot") + "/file/bot"
        builder = builder.base_url(settings.api_base_url).base_file_url(file_url)
    application: AttuneApplication = builder.build()
    attach_services(application, services)
    attach_worker(application, settings, metrics)
    _register_handlers(application)
    job_queue = application.job_queue
    assert job_queue is not None, "python-telegram-bot[job-queue] is required"
    job_queue.run_repeating(
        tick,
        interval=settings.tick_seconds,
        first=settings.tick_seconds,
        name=TICK_JOB,
        data=settings,
    )
    job_queue.run_repeating(
        renew_lease,
        interval=services.leases.renew_every.total_seconds(),
        first=0,
        name=LEASE_JOB,
    )
    if services.db.is_sqlite:  # PostgreSQL folds its own write-ahead log
        job_queue.run_repeating(
            checkpoint,
            interval=CHECKPOINT_SECONDS,
            first=CHECKPOINT_SECONDS,
            name="wal-checkpoint",
        )
    return application


FEATURES = (
    onboarding, commands, privacy, feedback, journal, practice, team_actions, announcements,
    quiz, membership, reviews, content_notes,
)  # fmt: skip


def _register_handlers(application: AttuneApplication) -> None:
    """Each feature registers its own commands and buttons; the fallbacks come last."""
    for feature in FEATURES:
        feature.register(application)
    _register_fallbacks(application)
    application.add_error_handler(errors.on_error)


def _register_fallbacks(application: AttuneApplication) -> None:
    """What no feature claimed: an unknown command, free text, a photo, a group command,
    or a button whose data is stale, forged or from an older keyboard."""
    application.add_handler(MessageHandler(filters.COMMAND & PRIVATE, commands.unknown))
    application.add_handler(MessageHandler(filters.TEXT & PRIVATE, onboarding.on_text))
    application.add_handler(MessageHandler(PRIVATE & ~filters.TEXT, commands.not_understood))
    application.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.GROUPS, commands.private_only)
    )
    application.add_handler(CallbackQueryHandler(commands.stale_button))


async def _register_commands(application: AttuneApplication) -> None:
    """Show our commands in Telegram's menu; a failure here must not stop the bot."""
    try:
        await application.bot.set_my_commands(list(texts.COMMANDS))
    except TelegramError as error:
        logger.warning("could not register the command menu: %s", error)


async def _hand_over(application: AttuneApplication) -> None:
    """After shutdown nothing more is sent: let another worker take over at once."""
    services: Services = application.bot_data[SERVICES_KEY]
    try:
        await asyncio.to_thread(services.leases.release)
    except Exception as error:  # noqa: BLE001 - the leases then run out on their own
        logger.warning("could not hand the leases over: %s", error)


async def start_bot(application: AttuneApplication, *, poll_timeout: int = 10) -> None:
    """Start polling the way ``run_polling`` does, for callers that own the event loop.

    ``attune demo`` and the end-to-end tests use this, so ``post_init`` (the command
    menu) runs for them exactly as it does in production.
    """
    await start_application(application)
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
    )


async def start_application(application: AttuneApplication) -> None:
    """Initialize, run ``post_init`` and start handling updates, without fetching any:
    polling (``start_bot``) or the webhook server (``bot.telegram.worker``) feeds them."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()


async def stop_bot(application: AttuneApplication) -> None:
    """Stop polling, the job queue and the application, in PTB's order."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
