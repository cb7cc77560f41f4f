"""Updates are handled concurrently across users and in order within each user."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator

from telegram import Update
from telegram.ext import TypeHandler

from bot.telegram import texts
from bot.telegram.context import AttuneContext
from tests.e2e.harness import Harness

ANN, BEN = 2001, 2002


def title(text: str) -> str:
    """A reply's first line, without HTML tags: enough to tell replies apart."""
    return re.sub(r"<[^>]+>", "", text.splitlines()[0])


HELP, ABOUT = title(texts.HELP_TITLE), title(texts.ABOUT)


@contextlib.asynccontextmanager
async def ann_sends_a_slow_help(h: Harness) -> AsyncIterator[asyncio.Event]:
    """Ann and Ben exist; Ann sends /help, which waits (before any real handler) until
    the event is set.

    The event is set on leaving, whatever happened, so the bot can always shut down.
    """
    h.user(ANN, "Ann")
    h.user(BEN, "Ben")
    release = asyncio.Event()

    async def gate(update: Update, context: AttuneContext) -> None:
        user, message = update.effective_user, update.effective_message
        if user and user.id == ANN and message and message.text == "/help":
            await release.wait()

    assert h.application is not None
    h.application.add_handler(TypeHandler(Update, gate), group=-1)
    h.emulator.send_message(ANN, "/help")
    try:
        yield release
    finally:
        release.set()


def titles(h: Harness, user_id: int) -> list[str]:
    """The titles of the bot's messages to ``user_id``, oldest first."""
    return [title(text) for text in h.texts(user_id)]


async def replies_to(h: Harness, user_id: int) -> list[str]:
    """Wait (at most 5 s) for the bot's first message to ``user_id``; all their titles."""
    async with asyncio.timeout(5):
        # Polling: the emulator offers no event for "a message to this chat".
        while not h.emulator.bot_messages(user_id):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    return titles(h, user_id)


async def test_a_slow_update_of_one_user_does_not_hold_up_another(harness: Harness) -> None:
    h = harness
    async with ann_sends_a_slow_help(h) as release:
        h.emulator.send_message(BEN, "/help")

        assert await replies_to(h, BEN) == [HELP]
        assert h.emulator.bot_messages(ANN) == []
        release.set()
        await h.settle()
    assert titles(h, ANN) == [HELP]


async def test_one_users_updates_are_handled_in_the_order_sent(harness: Harness) -> None:
    h = harness
    async with ann_sends_a_slow_help(h) as release:
        h.emulator.send_message(ANN, "/about")
        h.emulator.send_message(BEN, "/about")

        # Ben's update came after Ann's second one: once he is answered, Ann's /about
        # would have been too, had it not waited for her /help.
        assert await replies_to(h, BEN) == [ABOUT]
        await asyncio.sleep(0.1)
        assert h.emulator.bot_messages(ANN) == []
        release.set()
        await h.settle()
    assert titles(h, ANN) == [HELP, ABOUT]
