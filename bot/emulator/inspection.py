"""Reading what happened, waiting for it without sleeps, and injecting faults.

Readers return copies, so a test holding a message does not see later edits change under
it, and waits are driven by the world's change ``Signal`` rather than polling loops.
"""

from __future__ import annotations

from bot.emulator.errors import EmulatorError
from bot.emulator.faults import Fault
from bot.emulator.models import (
    JSON,
    CallbackAnswer,
    Download,
    PollState,
    RequestRecord,
    StoredMessage,
)
from bot.emulator.world import World


def describe(messages: list[StoredMessage]) -> str:
    """One line per message, for failure messages that show what the chat holds."""
    lines = []
    for message in messages:
        who = "bot" if message.from_bot else f"user {message.sender_id}"
        body = message.text or message.caption or ""
        if message.poll_id:
            body = f"[poll {message.poll_id}] {body}"
        if message.document:
            body = f"[file: {message.document.get('file_name')}] {body}"
        lines.append(f"  #{message.message_id} {who}: {body[:80]!r}")
    return "\n".join(lines) or "  (no messages)"


class Observer:
    """Read-side and fault-injection operations of the emulator."""

    world: World

    def messages(self, chat_id: int) -> list[StoredMessage]:
        """Every message in the chat, in order, deleted ones flagged."""
        return [self.world.snapshot(m) for m in self.world.messages.get(chat_id, [])]

    def bot_messages(self, chat_id: int) -> list[StoredMessage]:
        return [m for m in self.messages(chat_id) if m.from_bot]

    def last_bot_message(self, chat_id: int) -> StoredMessage | None:
        live = [m for m in self.bot_messages(chat_id) if not m.deleted]
        return live[-1] if live else None

    def polls(self) -> list[PollState]:
        return [PollState.from_dict(p.to_dict()) for p in self.world.polls.values()]

    def poll(self, poll_id: str) -> PollState:
        return PollState.from_dict(self.world.polls[poll_id].to_dict())

    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self.world.callback_answers)

    def download(self, file_id: str) -> Download:
        """A file the bot sent (or a user uploaded), as the person's app would save it."""
        stored = self.world.files.get(file_id)
        if stored is None:
            raise EmulatorError(f"no file {file_id!r}")
        return Download(stored.file_name, stored.mime_type, stored.data)

    def commands(self) -> dict[str, list[JSON]]:
        """What setMyCommands set, keyed by scope (``default``, ``chat:42/de``, ...)."""
        return {key: list(value) for key, value in self.world.commands.items()}

    def requests(self, method: str | None = None) -> list[RequestRecord]:
        return [r for r in self.world.request_log if method is None or r.method == method]

    # -- waiting ------------------------------------------------------------------------
    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5,  # noqa: ASYNC109 (public API)
    ) -> list[StoredMessage]:
        """Return once the bot has sent at least ``count`` messages to the chat."""

        def enough() -> bool:
            return sum(m.from_bot for m in self.world.messages.get(chat_id, [])) >= count

        if not await self.world.changed.wait_for(enough, timeout):
            raise TimeoutError(
                f"chat {chat_id} has {len(self.bot_messages(chat_id))} bot messages after "
                f"{timeout}s, wanted {count}; it holds:\n{describe(self.messages(chat_id))}"
            )
        return self.bot_messages(chat_id)

    async def wait_until_delivered(self, timeout: float = 5) -> None:  # noqa: ASYNC109
        """Return once the bot has every update and no Bot API request is in flight.

        "Has" is what the emulator itself sees: the bot's next ``getUpdates`` confirmed the
        update, or the webhook answered 2xx. Whether the bot's handlers are done only the
        bot knows: a bot in this process can be asked (``Application.update_queue.join()``,
        as tests/e2e/harness.py does); for one elsewhere, wait for the reply you expect
        (``wait_for_bot_messages``).
        """
        world = self.world

        def delivered() -> bool:
            return not world.updates.available() and world.in_flight == 0

        if not await world.changed.wait_for(delivered, timeout):
            raise TimeoutError(
                f"bot not done after {timeout}s: {len(world.updates.available())} updates "
                f"unfetched, {world.in_flight} API calls in flight"
            )

    # -- faults -------------------------------------------------------------------------
    def add_fault(
        self,
        method: str = "*",
        chat_id: int | None = None,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
    ) -> JSON:
        """Make the next ``times`` matching calls fail (``times=None``: until cleared)."""
        fault = Fault(method, chat_id, status, description, retry_after, times)
        return self.world.faults.add(fault).to_dict()

    def clear_faults(self) -> None:
        self.world.faults.clear()

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay every Bot API answer, e.g. to provoke client timeouts.

        With ``method``, only that method's answers (the bot's long poll, say, can go on
        undisturbed); without, every method's, replacing any per-method delay.
        """
        delay = max(0.0, float(seconds))
        if method is None:
            self.world.latency = delay
            self.world.method_latency.clear()
        else:
            self.world.method_latency[method.lower()] = delay
