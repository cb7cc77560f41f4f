"""A worker's own pages: ``/healthz`` for the load balancer, ``/metrics`` for Prometheus."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from bot import metrics
from tests.e2e.scenes import MONDAY_0730, learner
from tests.e2e.worker_harness import WorkerHarness, running_worker

ANN, BEN = 7101, 7102


@pytest.fixture
async def hooked(tmp_path: Path, database_url: str) -> AsyncIterator[WorkerHarness]:
    async with running_worker(tmp_path, database_url) as h:
        yield h


@pytest.fixture
async def polling(tmp_path: Path, database_url: str) -> AsyncIterator[WorkerHarness]:
    """A polling worker with ``ATTUNE_LISTEN`` set: probes, no webhook."""
    async with running_worker(tmp_path, database_url, webhook=False) as h:
        yield h


async def scrape(h: WorkerHarness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``/metrics``, keyed by name and labels."""
    status, body = await h.get("/metrics")
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


async def test_healthz_is_ok_while_the_database_answers_and_the_loop_beats(
    hooked: WorkerHarness,
) -> None:
    assert await hooked.get("/healthz") == (200, "ok\n")


async def test_healthz_is_503_when_the_database_cannot_be_reached(
    hooked: WorkerHarness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert hooked.services is not None
    gone = create_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'attune.db'}")
    monkeypatch.setattr(hooked.services.db, "engine", gone)
    status, text = await hooked.get("/healthz")
    assert status == 503 and "database unreachable (OperationalError)" in text
    monkeypatch.undo()
    assert (await hooked.get("/healthz"))[0] == 200


async def test_healthz_is_503_while_the_delivery_loop_is_silent_and_ok_once_it_beats(
    hooked: WorkerHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = hooked
    later = metrics.monotonic() + 3 * h.settings.tick_seconds + 1
    monkeypatch.setattr(metrics, "monotonic", lambda: later)
    status, text = await h.get("/healthz")
    assert status == 503 and "delivery loop has been silent" in text
    await h.tick()  # the tick beats
    assert (await h.get("/healthz"))[0] == 200


async def test_a_polling_worker_with_listen_serves_the_probes_and_no_webhook(
    polling: WorkerHarness,
) -> None:
    h = polling
    assert await h.get("/healthz") == (200, "ok\n")
    assert (await h.get("/metrics"))[0] == 200
    assert await h.post({"update_id": 1}) == 404, "no webhook path without a webhook URL"
    h.user(ANN, "Ann")
    assert len(await h.say(ANN, "/help")) == 1, "updates still come by polling"
    assert h.emulator.requests("setWebhook") == []


async def test_metrics_count_deliveries_messages_lateness_and_answers(
    hooked: WorkerHarness,
) -> None:
    h = hooked
    learner(h, ANN, "Ann")
    learner(h, BEN, "Ben")
    h.emulator.add_fault(
        method="sendMessage", chat_id=BEN, status=403,
        description="Forbidden: bot was blocked by the user", times=10,
    )  # fmt: skip
    before = await scrape(h)
    assert before[("attune_leader", ())] == 1, "one worker alone is the sender"
    assert ("attune_deliveries_total", (("outcome", "sent"),)) not in before

    await h.move_to(MONDAY_0730 + timedelta(seconds=90))
    after = await scrape(h)
    assert after[("attune_due_backlog", ())] == 2, "both were due when the tick began"
    assert after[("attune_deliveries_total", (("outcome", "sent"),))] == 1
    assert after[("attune_deliveries_total", (("outcome", "blocked"),))] == 1
    sent = ("attune_messages_sent_total", (("method", "sendMessage"), ("outcome", "ok")))
    polls = ("attune_messages_sent_total", (("method", "sendPoll"), ("outcome", "ok")))
    blocked = ("attune_messages_sent_total", (("method", "sendMessage"), ("outcome", "blocked")))
    assert after[sent] == 1 and after[polls] == 2 and after[blocked] == 1
    lateness = "attune_delivery_lateness_seconds"
    assert after[(lateness + "_count", ())] == 1
    assert after[(lateness + "_sum", ())] == 90, "due at 07:30, sent at 07:31:30"
    assert after[(lateness + "_bucket", (("le", "60.0"),))] == 0
    assert after[(lateness + "_bucket", (("le", "120.0"),))] == 1

    await h.answer_quiz(ANN)
    answered = await scrape(h)
    assert answered[("attune_answer_latency_seconds_count", ())] == 2
    assert answered[sent] == 3, "the day-complete message and the reflection prompt"
    assert answered[("attune_heartbeat_timestamp_seconds", ())] > 0


async def test_each_worker_has_its_own_registry(hooked: WorkerHarness) -> None:
    """Two bots in one process (tests, benchmarks) never share or clash on a metric."""
    one, two = metrics.Metrics(), metrics.Metrics()
    one.delivery_ended("sent")
    assert b'attune_deliveries_total{outcome="sent"} 1.0' in one.render()
    assert b"attune_deliveries_total{" not in two.render()
