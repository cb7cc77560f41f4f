"""Webhook mode: updates are POSTed with the secret header, retried, and block getUpdates."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from bot.emulator import BotApiEmulator
from tests.emulator.support import OTHER_USER, USER


async def test_webhook_delivery_with_retry(bot: Bot, emulator: BotApiEmulator) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []
    statuses = [500, 200]

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(status=statuses.pop(0) if statuses else 200)

    app = web.Application()
    app.router.add_post("/tg", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/tg", secret_token="s3cret")
        with pytest.raises(Conflict):
            await bot.get_updates()
        emulator.send_message(USER, "via webhook")
        await emulator.wait_until_delivered()
        info = await bot.get_webhook_info()
    finally:
        await runner.cleanup()

    assert [secret for secret, _ in received] == ["s3cret", "s3cret"]
    assert received[0][1] == received[1][1]
    assert received[1][1]["message"]["text"] == "via webhook"  # type: ignore[index]
    assert info.pending_update_count == 0 and "500" in (info.last_error_message or "")
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_a_slow_webhook_answer_holds_up_only_its_own_chat(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    """Like Telegram, several requests are open at once (up to ``max_connections``), so
    a handler that takes its time delays nobody else; one chat's updates stay in order."""
    release = asyncio.Event()
    seen: list[tuple[int, str]] = []

    async def hook(request: web.Request) -> web.Response:
        message = (await request.json())["message"]
        seen.append((message["chat"]["id"], message["text"]))
        if message["text"] == "slow":
            await release.wait()
        return web.Response()

    async with webhook_server(hook) as url:
        await bot.set_webhook(url, max_connections=5)
        emulator.send_message(USER, "slow")
        emulator.send_message(USER, "after slow")
        emulator.send_message(OTHER_USER, "quick")
        await emulator.world.changed.wait_for(lambda: (OTHER_USER, "quick") in seen, 5)
        assert seen == [(USER, "slow"), (OTHER_USER, "quick")], "the other chat waited"
        release.set()
        await emulator.wait_until_delivered()
    assert seen[-1] == (USER, "after slow"), "a chat's updates arrive in order"
    info = await bot.get_webhook_info()
    assert info.max_connections == 5


@asynccontextmanager
async def webhook_server(
    hook: Callable[[web.Request], Awaitable[web.Response]],
) -> AsyncIterator[str]:
    """A local HTTP server taking POSTs at ``/tg``; yields its URL."""
    app = web.Application()
    app.router.add_post("/tg", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/tg"
    finally:
        await runner.cleanup()
