"""``python -m bot.emulator`` runs standalone and can be driven from another process."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from telegram import Bot

from bot.emulator import EmulatorClient

ROOT = Path(__file__).resolve().parents[2]


async def test_standalone_process() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.emulator",
        "--port",
        "0",
        "--token",
        "1:standalone",
        "--user",
        "5:Eve",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        base_line = await asyncio.wait_for(process.stdout.readline(), 10)
        control_line = await asyncio.wait_for(process.stdout.readline(), 10)
        base_url = base_line.decode().split(": ", 1)[1].strip()
        control_url = control_line.decode().split(": ", 1)[1].strip()
        async with Bot("1:standalone", base_url=base_url) as bot:
            await bot.send_message(5, "hello from another process")
        async with EmulatorClient(control_url) as client:
            [message] = await client.bot_messages(5)
            assert message.text == "hello from another process"
            assert (await client.info())["base_url"] == base_url
    finally:
        process.terminate()
        await process.wait()
