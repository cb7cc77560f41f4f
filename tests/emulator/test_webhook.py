"""Webhook mode: updates are POSTed with the secret header, retried, and block getUpdates."""

from __future__ import annotations

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from bot.emulator import BotApiEmulator
from tests.emulator.support import USER


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
