"""Webhook mode: the real Application takes its updates by HTTP POST from the emulator.

The emulator plays Telegram: ``setWebhook`` makes it POST every update to the bot's own
server with the secret header, and re-send until it gets a 2xx. No ``getUpdates`` runs.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot.emulator import BotApiEmulator
from bot.services import Services
from bot.services.updates import Taking
from bot.telegram.web import SECRET_HEADER
from tests.e2e.conftest import START
from tests.e2e.harness import TOKEN, attune_command, spawn_attune, text_of
from tests.e2e.scenes import MONDAY_0730, learner
from tests.e2e.worker_harness import PATH, SECRET, WorkerHarness, free_port, running_worker

pytestmark = pytest.mark.both_databases

ANN = 7001
REPLY_WAIT = 20.0  # seconds; each wait ends on its event, this only bounds a hang


@pytest.fixture
async def hooked(tmp_path: Path, database_url: str) -> AsyncIterator[WorkerHarness]:
    async with running_worker(tmp_path, database_url) as h:
        yield h


def help_update(update_id: int, user_id: int = ANN) -> dict[str, Any]:
    """A ``/help`` message as Telegram posts it."""
    person = {"id": user_id, "is_bot": False, "first_name": "Ann"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(START.timestamp()),
            "chat": {"id": user_id, "type": "private", "first_name": "Ann"},
            "from": person,
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


async def test_webhook_mode_registers_the_secret_and_serves_a_learner(
    hooked: WorkerHarness,
) -> None:
    h = hooked
    [registered] = h.emulator.requests("setWebhook")
    assert registered.params["url"] == h.url
    assert registered.params["secret_token"] == SECRET
    assert "poll" not in registered.params["allowed_updates"]

    learner(h, ANN, "Ann")
    await h.move_to(MONDAY_0730)
    assert len(h.open_polls(ANN)) == 2, h.texts(ANN)
    summary = "\n".join(text_of(m) for m in await h.answer_quiz(ANN))
    assert "That's today done" in summary
    assert h.emulator.requests("getUpdates") == [], "no polling in webhook mode"
    assert h.emulator.world.webhook["last_error"] is None, "every POST was accepted"


@pytest.mark.parametrize("header", [None, "wrong-secret", SECRET + "x"])
async def test_a_request_without_the_secret_is_refused_and_changes_nothing(
    hooked: WorkerHarness, header: str | None
) -> None:
    h = hooked
    h.user(ANN, "Ann")
    headers = {SECRET_HEADER: header} if header is not None else {}
    assert await h.post(help_update(500), headers) == 403
    await h.settle()
    assert h.emulator.bot_messages(ANN) == [], "a forged update is never handled"


async def test_a_body_that_is_not_an_update_is_refused(hooked: WorkerHarness) -> None:
    h = hooked
    assert await h.post({"hello": 1}, {SECRET_HEADER: SECRET}) == 400
    assert await h.post([1, 2], {SECRET_HEADER: SECRET}) == 400


async def test_the_same_update_posted_twice_is_handled_once(hooked: WorkerHarness) -> None:
    """Telegram re-sends an update when the webhook was slow: the copy is accepted (so
    Telegram stops re-sending) and not handled again."""
    h = hooked
    h.user(ANN, "Ann")
    genuine = {SECRET_HEADER: SECRET}
    assert await h.post(help_update(501), genuine) == 200
    await h.settle()
    assert len(h.emulator.bot_messages(ANN)) == 1
    assert await h.post(help_update(501), genuine) == 200
    await h.settle()
    assert len(h.emulator.bot_messages(ANN)) == 1, "the copy was not handled"
    assert await h.post(help_update(502), genuine) == 200
    await h.settle()
    assert len(h.emulator.bot_messages(ANN)) == 2, "a new update still is"


async def test_two_copies_at_once_are_handled_once(hooked: WorkerHarness) -> None:
    """Copies that come while the first is being handled are put off (503: Telegram
    tries again later); one that comes after it was handled is accepted and ignored."""
    h = hooked
    h.user(ANN, "Ann")
    genuine = {SECRET_HEADER: SECRET}
    statuses = await asyncio.gather(*(h.post(help_update(503), genuine) for _ in range(5)))
    await h.settle()
    assert sorted(set(statuses)) in ([200], [200, 503]), statuses
    assert await h.post(help_update(503), genuine) == 200
    await h.settle()
    assert len(h.emulator.bot_messages(ANN)) == 1


async def test_an_update_is_answered_only_once_it_is_handled(hooked: WorkerHarness) -> None:
    """200 tells Telegram to forget the update: it must not come before the reply."""
    h = hooked
    h.user(ANN, "Ann")
    assert await h.post(help_update(510), {SECRET_HEADER: SECRET}) == 200
    assert len(h.emulator.bot_messages(ANN)) == 1, "the reply was sent before the 200"


async def test_an_update_a_live_worker_is_handling_is_put_off(hooked: WorkerHarness) -> None:
    h = hooked
    h.user(ANN, "Ann")
    other = alive_twin(h)
    assert other.updates.take(511) is Taking.TAKEN
    assert await h.post(help_update(511), {SECRET_HEADER: SECRET}) == 503
    other.updates.handled(511)
    assert await h.post(help_update(511), {SECRET_HEADER: SECRET}) == 200
    await h.settle()
    assert h.emulator.bot_messages(ANN) == [], "the other worker handled it"


async def test_an_update_whose_worker_died_mid_handler_is_handled_by_another(
    hooked: WorkerHarness,
) -> None:
    """The worker that took it was killed before answering; Telegram re-sends it here."""
    h = hooked
    h.user(ANN, "Ann")
    dead = alive_twin(h)
    assert dead.updates.take(512) is Taking.TAKEN
    h.clock.set(START + dead.leases.ttl + timedelta(seconds=1))  # it renews no more
    assert await h.post(help_update(512), {SECRET_HEADER: SECRET}) == 200
    await h.settle()
    assert len(h.emulator.bot_messages(ANN)) == 1


def alive_twin(h: WorkerHarness) -> Services:
    """A second worker on the same database, alive (its own lease renewed) now."""
    assert h.services is not None
    twin = Services.create(h.services.db, h.services.library, h.clock)
    twin.leases.renew()
    return twin


async def test_an_update_not_taken_for_a_database_failure_is_refused_for_a_resend(
    hooked: WorkerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answering 200 would make Telegram forget an update we never handled."""
    h = hooked
    h.user(ANN, "Ann")

    def fails(update_id: int) -> Taking:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    assert h.services is not None
    monkeypatch.setattr(h.services.updates, "take", fails)
    assert await h.post(help_update(504), {SECRET_HEADER: SECRET}) == 503
    monkeypatch.undo()
    assert await h.post(help_update(504), {SECRET_HEADER: SECRET}) == 200
    await h.settle()
    assert len(h.emulator.bot_messages(ANN)) == 1


async def test_processed_update_ids_are_pruned_after_a_day(hooked: WorkerHarness) -> None:
    h = hooked
    h.user(ANN, "Ann")
    assert await h.post(help_update(505), {SECRET_HEADER: SECRET}) == 200
    await h.settle()
    assert h.services is not None
    h.clock.set(START + timedelta(hours=24))
    await h.tick()
    assert h.services.updates.take(505) is Taking.HANDLED, "kept while Telegram may re-send"
    h.clock.set(START + timedelta(hours=26))
    await h.tick()
    assert h.services.updates.take(505) is Taking.TAKEN, "forgotten once Telegram no longer can"


async def test_attune_run_in_webhook_mode_serves_and_never_logs_the_secret(
    tmp_path: Path,
) -> None:
    emulator = BotApiEmulator(TOKEN)
    await emulator.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    worker_env = {
        "ATTUNE_WEBHOOK_URL": f"{base}{PATH}", "ATTUNE_WEBHOOK_SECRET": SECRET,
        "ATTUNE_LISTEN": f"127.0.0.1:{port}",
    }  # fmt: skip
    process = await spawn_attune(
        emulator.port, tmp_path, f"sqlite:///{tmp_path / 'run.db'}", tick_seconds="0.5",
        stderr=asyncio.subprocess.PIPE, ATTUNE_LOG_LEVEL="DEBUG", **worker_env,
    )  # fmt: skip
    try:
        emulator.add_user(ANN, "Ann")
        registered = await emulator.world.changed.wait_for(
            lambda: bool(emulator.requests("setWebhook")), REPLY_WAIT
        )
        assert registered, "attune run never called setWebhook"
        emulator.send_message(ANN, "/help")
        assert await emulator.wait_for_bot_messages(ANN, 1, timeout=REPLY_WAIT)
        assert await attune_health(worker_env) == (0, f"healthy: {base}/healthz says ok")
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=REPLY_WAIT)
        await emulator.stop()
    log = err.decode()
    assert process.returncode == 0, log[-2000:]
    assert emulator.requests("getUpdates") == []
    assert SECRET not in log and TOKEN not in log


async def attune_health(env: dict[str, str]) -> tuple[int, str]:
    """``attune health`` (the container's health check) with ``env``: status and output."""
    check = await asyncio.create_subprocess_exec(
        *attune_command(), "health", env={**os.environ, **env}, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(check.communicate(), timeout=REPLY_WAIT)
    return int(check.returncode or 0), out.decode().strip()


async def test_attune_health_asks_the_workers_healthz(tmp_path: Path) -> None:
    """A worker that serves HTTP is asked there; nothing listens, so it is unhealthy."""
    status, said = await attune_health({"ATTUNE_LISTEN": f"127.0.0.1:{free_port()}"})
    assert status == 1 and said.startswith("unhealthy:") and "did not answer" in said


async def test_attune_run_refuses_a_webhook_without_a_secret(tmp_path: Path) -> None:
    process = await spawn_attune(
        1, tmp_path, f"sqlite:///{tmp_path / 'run.db'}", tick_seconds="0.5",
        stderr=asyncio.subprocess.PIPE, ATTUNE_WEBHOOK_URL="https://bot.example.org/tg",
        ATTUNE_WEBHOOK_SECRET="",
    )  # fmt: skip
    _out, err = await asyncio.wait_for(process.communicate(), timeout=REPLY_WAIT)
    assert process.returncode == 2
    assert "ATTUNE_WEBHOOK_SECRET is required with ATTUNE_WEBHOOK_URL" in err.decode()
