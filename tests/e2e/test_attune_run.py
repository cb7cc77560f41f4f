"""`attune run` as a real process against a Bot API server reached over HTTP.

This is the production path: the console script, settings from the environment, and
``TELEGRAM_API_BASE_URL`` pointing at a server that speaks the Bot API.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.emulator import BotApiEmulator
from tests.e2e.harness import LESSONS, TOKEN, Harness, text_of

ANN = 5001


def attune_command() -> list[str]:
    """The installed console script, as the Dockerfile runs it."""
    script = shutil.which("attune", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "bot"]


@pytest.fixture
async def server() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator(TOKEN)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


async def spawn_attune(
    port: int, tmp: Path, database_url: str, *, tick_seconds: str, stderr: Any, **env: str
) -> asyncio.subprocess.Process:
    """``attune run`` against the Bot API on 127.0.0.1:``port``, configured by environment."""
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}",
        "ATTUNE_DATABASE_URL": database_url,
        "ATTUNE_LESSONS_DIR": str(LESSONS),
        "ATTUNE_HEARTBEAT_FILE": str(tmp / "heartbeat"),
        "ATTUNE_TICK_SECONDS": tick_seconds,
        **env,
    }
    return await asyncio.create_subprocess_exec(
        *attune_command(), "run", env=environment, cwd=tmp,
        stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
    )  # fmt: skip


async def run_attune(emulator: BotApiEmulator, tmp_path: Path) -> asyncio.subprocess.Process:
    return await spawn_attune(
        emulator.port, tmp_path, f"sqlite:///{tmp_path / 'run.db'}", tick_seconds="0.5",
        stderr=asyncio.subprocess.PIPE, ATTUNE_LOG_LEVEL="DEBUG",
    )  # fmt: skip


async def test_attune_run_completes_onboarding_and_a_lesson(
    server: BotApiEmulator, tmp_path: Path
) -> None:
    process = await run_attune(server, tmp_path)
    try:
        h = Harness(server, Settings(), ManualClock(datetime.now(UTC)))
        h.user(ANN, "Ann")
        for _ in range(100):
            if server.requests("getUpdates"):
                break
            await asyncio.sleep(0.1)
        await h.onboard(ANN, zone="UTC")
        assert "Your first lesson arrives" in h.texts(ANN)[-1]
        lesson = await h.say(ANN, "/today")
        assert "Try this:" in text_of(lesson[0]) and len(lesson) == 3
        summary = "\n".join(text_of(m) for m in await h.answer_quiz(ANN))
        assert "That's today done" in summary
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=20)
    log = err.decode()
    assert process.returncode == 0, log[-2000:]
    assert "Attune is running" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log


async def test_attune_health_follows_the_heartbeat(server: BotApiEmulator, tmp_path: Path) -> None:
    env = {**os.environ, "ATTUNE_HEARTBEAT_FILE": str(tmp_path / "heartbeat")}
    check = await asyncio.create_subprocess_exec(
        *attune_command(), "health", env=env, stdout=asyncio.subprocess.PIPE
    )
    assert await check.wait() == 1, "no heartbeat yet: unhealthy"
    process = await run_attune(server, tmp_path)
    try:
        for _ in range(100):
            if (tmp_path / "heartbeat").exists():
                break
            await asyncio.sleep(0.1)
        check = await asyncio.create_subprocess_exec(
            *attune_command(), "health", env=env, stdout=asyncio.subprocess.PIPE
        )
        assert await check.wait() == 0
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), timeout=20)
