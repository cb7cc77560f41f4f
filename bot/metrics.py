"""What a worker tells Prometheus, and when it last showed life; one ``Metrics`` per bot.

Each Application gets its own ``CollectorRegistry`` rather than the process-wide default,
so two bots in one process (the tests, the benchmarks) never collide on a metric name.
Every name starts with ``attune_``. The edge records into this object; the HTTP server
(``bot.telegram.web``) renders it at ``/metrics`` and reads the heartbeat for ``/healthz``.
"""

from __future__ import annotations

from time import monotonic

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__ = ["CONTENT_TYPE", "Metrics"]

# Seconds from a lesson's due time to its last part sent: 10,000 learners at Telegram's
# free 30 messages/s (three parts each) take about 17 minutes, so the buckets reach 30.
LATENESS_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, float("inf"))
# Seconds from a poll answer reaching its handler to the answer recorded and any reply sent.
ANSWER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, float("inf"))


class Metrics:
    """The counters, gauges and histograms of one worker, in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.deliveries = Counter(
            "attune_deliveries", "Lesson deliveries ended, by outcome", ["outcome"], registry=r
        )
        self.messages = Counter(
            "attune_messages_sent",
            "Bot API send requests (sendMessage, sendPoll, copyMessage...), by method and outcome",
            ["method", "outcome"],
            registry=r,
        )
        self.backlog = Gauge(
            "attune_due_backlog", "Learners whose lesson was due when the tick began", registry=r
        )
        self.lateness = Histogram(
            "attune_delivery_lateness_seconds",
            "Seconds from a scheduled lesson's due time to its last part sent",
            buckets=LATENESS_BUCKETS,
            registry=r,
        )
        self.answer_latency = Histogram(
            "attune_answer_latency_seconds",
            "Seconds from a poll answer reaching its handler to recorded and replied",
            buckets=ANSWER_BUCKETS,
            registry=r,
        )
        self.leader = Gauge(
            "attune_leader",
            "1 while this worker runs the scheduled sending (holds the sender lease)",
            registry=r,
        )
        self.heartbeat_at = Gauge(
            "attune_heartbeat_timestamp_seconds",
            "Unix time the delivery loop last showed progress",
            registry=r,
        )
        self._beat = monotonic()
        self.leader.set(1)  # one process alone sends; the sender lease may say otherwise
        self.heartbeat()

    def heartbeat(self) -> None:
        """The delivery loop made progress now: a tick began, or a delivery ended."""
        self._beat = monotonic()
        self.heartbeat_at.set_to_current_time()

    def silence(self) -> float:
        """Seconds since the last heartbeat (monotonic: a clock change does not matter)."""
        return monotonic() - self._beat

    def set_leader(self, leading: bool) -> None:
        """Whether this worker holds the sender lease (what the lease code reports)."""
        self.leader.set(1 if leading else 0)

    def delivery_ended(self, outcome: str) -> None:
        """A lesson delivery ended (sent, blocked, refused...): count it, and it is progress."""
        self.deliveries.labels(outcome=outcome).inc()
        self.heartbeat()

    def render(self) -> bytes:
        """The Prometheus text exposition of everything above."""
        return generate_latest(self.registry)
