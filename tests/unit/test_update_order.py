"""The per-user update processor: concurrent across users, ordered within, no leftovers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.telegram.update_order import PerChatUpdateProcessor, order_keys

WHEN = datetime(2026, 3, 2, tzinfo=UTC)


def busy_keys(processor: PerChatUpdateProcessor) -> int:
    """How many users or chats have an update waiting or running."""
    return len(processor._last)


def group_message(user_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE if chat_id == user_id else Chat.GROUP)
    message = Message(1, WHEN, chat, from_user=User(user_id, "Someone", is_bot=False))
    return Update(1, message=message)


def private_message(user_id: int) -> Update:
    """A message in the user's private chat (whose id is the user's)."""
    return group_message(user_id, user_id)


async def step(log: list[str], name: str, gate: asyncio.Event | None = None) -> None:
    log.append(f"{name} starts")
    if gate is not None:
        await gate.wait()
    log.append(f"{name} ends")


def submit(
    processor: PerChatUpdateProcessor,
    update: Update,
    log: list[str],
    name: str,
    gate: asyncio.Event | None = None,
) -> asyncio.Task[None]:
    """Hand ``update`` to the processor as PTB does, in a task of its own."""
    return asyncio.create_task(processor.process_update(update, step(log, name, gate)))


def test_keys_are_the_user_and_the_chat() -> None:
    assert order_keys(private_message(7)) == (7,)
    assert sorted(order_keys(group_message(7, -100))) == [-100, 7]
    assert order_keys(object()) == ()


async def test_users_run_concurrently_and_each_in_order() -> None:
    processor = PerChatUpdateProcessor()
    log: list[str] = []
    gate = asyncio.Event()
    tasks = [
        submit(processor, private_message(1), log, "a1", gate),
        submit(processor, private_message(1), log, "a2"),
        submit(processor, private_message(2), log, "b1"),
    ]
    await asyncio.sleep(0.01)
    assert log == ["a1 starts", "b1 starts", "b1 ends"]
    gate.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["a1 ends", "a2 starts", "a2 ends"]
    assert busy_keys(processor) == 0


async def test_a_group_message_waits_for_its_sender_and_its_group() -> None:
    processor = PerChatUpdateProcessor()
    log: list[str] = []
    gate = asyncio.Event()
    first = submit(processor, private_message(1), log, "a", gate)
    both = submit(processor, group_message(1, -5), log, "g")
    other = submit(processor, group_message(2, -5), log, "h")
    await asyncio.sleep(0.01)
    assert log == ["a starts"]
    gate.set()
    await asyncio.gather(first, both, other)
    assert log == ["a starts", "a ends", "g starts", "g ends", "h starts", "h ends"]
    assert busy_keys(processor) == 0


async def test_a_cancelled_update_lets_the_next_one_run() -> None:
    processor = PerChatUpdateProcessor()
    log: list[str] = []
    gate = asyncio.Event()
    first = submit(processor, private_message(1), log, "a1", gate)
    waiting = submit(processor, private_message(1), log, "a2")
    last = submit(processor, private_message(1), log, "a3")
    await asyncio.sleep(0.01)
    waiting.cancel()  # its coroutine never started: closed, not left "never awaited"
    gate.set()
    await asyncio.gather(first, last)
    assert waiting.cancelled()
    assert log == ["a1 starts", "a1 ends", "a3 starts", "a3 ends"]
    assert busy_keys(processor) == 0


async def test_past_the_bound_updates_still_keep_their_order() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    log: list[str] = []
    gate = asyncio.Event()
    tasks = [
        submit(processor, private_message(1), log, "a1", gate),
        submit(processor, private_message(2), log, "b1", gate),
        submit(processor, private_message(1), log, "a2"),
        submit(processor, private_message(3), log, "c1"),
    ]
    await asyncio.sleep(0.01)
    assert log == ["a1 starts", "b1 starts"]
    gate.set()
    await asyncio.gather(*tasks)
    assert len(log) == 8 and log.index("a2 starts") > log.index("a1 ends")
    assert busy_keys(processor) == 0
