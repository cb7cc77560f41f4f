"""Updates are handled concurrently across users and in order within each user."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator

import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.telegram import texts
from bot.telegram.context import AttuneContext
from tests.e2e.harness import Harness

pytestmark = pytest.mark.both_databases

ANN, BEN = 2001, 2002


def title(text: str) -> str:
    """A reply's first line, without HTML tags: enough to tell replies apart."""
    return re.sub(r"<[^>]+>", "", text.splitlines()[0])


HELP, ABOUT = title(texts.HELP_TITLE), title(texts.ABOUT)


@contextlib.asynccontextmanager
async def ann_sends_a_slow_help(h: Harness) -> AsyncIterator[tuple[asyncio.Event, list[str]]]:
    """Ann and Ben exist; Ann sends /help, which waits (before any real handler) until
    the event is set. Yields the event and what Ann's updates that reached the handlers
    said, in the order they reached them.

    The event is set on leaving, whatever happened, so the bot can always shut down.
    """
    h.user(ANN, "Ann")
    h.user(BEN, "Ben")
    release = asyncio.Event()
    reached: list[str] = []

    async def gate(update: Update, context: AttuneContext) -> None:
        user, message = update.effective_user, update.effective_message
        if user and user.id == ANN and message and message.text:
            reached.append(message.text)
        if user and user.id == ANN and message and message.text == "/help":
            await release.wait()

    assert h.application is not None
    h.application.add_handler(TypeHandler(Update, gate), group=-1)
    h.emulator.send_message(ANN, "/help")
    try:
        yield release, reached
    finally:
        release.set()


def titles(h: Harness, user_id: int) -> list[str]:
    """The titles of the bot's messages to ``user_id``, oldest first."""
    return [title(text) for text in h.texts(user_id)]


async def replies_to(h: Harness, user_id: int) -> list[str]:
    """Wait (at most 5 s) for the bot's first message to ``user_id``; all their titles."""
    await h.emulator.wait_for_bot_messages(user_id, 1)
    return titles(h, user_id)


async def test_a_slow_update_of_one_user_does_not_hold_up_another(harness: Harness) -> None:
    h = harness
    async with ann_sends_a_slow_help(h) as (release, _reached):
        h.emulator.send_message(BEN, "/help")

        assert await replies_to(h, BEN) == [HELP]
        assert h.emulator.bot_messages(ANN) == []
        release.set()
        await h.settle()
    assert titles(h, ANN) == [HELP]


async def test_one_users_updates_are_handled_in_the_order_sent(harness: Harness) -> None:
    h = harness
    async with ann_sends_a_slow_help(h) as (release, reached):
        h.emulator.send_message(ANN, "/about")
        h.emulator.send_message(BEN, "/about")

        # Ben's update came after Ann's second one, and PTB starts the updates it fetched
        # in the order they came: once Ben is answered, Ann's /about would have reached
        # the handlers too, had it not waited for her /help.
        assert await replies_to(h, BEN) == [ABOUT]
        assert reached == ["/help"]
        assert h.emulator.bot_messages(ANN) == []
        release.set()
        await h.settle()
    assert titles(h, ANN) == [HELP, ABOUT]
