"""The Bot API emulator in its own process, plus a paced "users answer quizzes" driver.

Not a benchmark by itself: ``bench.answers`` starts it. It prints ``base_url`` and
``control_url`` like ``python -m bot.emulator``, then reads one JSON command per line on
stdin and answers with one JSON line on stdout:

* ``{"op": "users", "ids": [...]}``: create users (and their private chats);
* ``{"op": "polls", "items": [[chat_id, question, options, correct, explanation], ...]}``:
  quiz polls "sent by the bot", through the emulator's own sendPoll code (no HTTP, so
  set-up is quick); answers the poll ids;
* ``{"op": "answer", "plan": [[user_id, poll_id, option], ...], "rate": 200}``: the users
  vote at ``rate`` per second; answers ``time.monotonic()`` just before each vote is queued
  (CLOCK_MONOTONIC is system-wide on Linux, so the bot's process can compare);
* ``{"op": "reset_votes"}``: forget every vote, so the same polls can be answered again.

The driver runs in the emulator's event loop, as Telegram's users would: a vote is queued
as an update (``poll`` then ``poll_answer``) and waits for the bot's ``getUpdates``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `python bench/...py`

from bot.emulator import BotApiEmulator  # noqa: E402
from bot.emulator.api_polls import send_poll  # noqa: E402
from bot.emulator.decoding import Params  # noqa: E402


async def answer(emulator: BotApiEmulator, plan: list[list[Any]], rate: float) -> list[float]:
    stamps = []
    start = time.monotonic() + 0.05
    for index, (user_id, poll_id, option) in enumerate(plan):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        stamps.append(time.monotonic())
        emulator.answer_poll(user_id, poll_id, [option])
    return stamps


async def polls(emulator: BotApiEmulator, items: list[list[Any]]) -> list[str]:
    ids = []
    for chat_id, question, options, correct, explanation in items:
        params = Params(
            {
                "chat_id": chat_id,
                "question": question,
                "options": options,
                "is_anonymous": False,
                "type": "quiz",
                "correct_option_ids": [correct],
                "explanation": explanation,
            }
        )
        message = await send_poll(emulator.world, params)
        ids.append(message["poll"]["id"])
    return ids


async def command(emulator: BotApiEmulator, request: dict[str, Any]) -> Any:
    op = request["op"]
    if op == "users":
        for user_id in request["ids"]:
            emulator.add_user(user_id, f"Clinician {user_id}")
        return len(request["ids"])
    if op == "polls":
        return await polls(emulator, request["items"])
    if op == "answer":
        return await answer(emulator, request["plan"], request["rate"])
    if op == "reset_votes":
        for poll in emulator.world.polls.values():
            poll.votes.clear()
        return True
    raise ValueError(f"unknown op {op}")


async def serve(token: str, port: int) -> None:
    emulator = BotApiEmulator(token)
    await emulator.start("127.0.0.1", port, 0)
    print(f"base_url: {emulator.base_url}\ncontrol_url: {emulator.control_url}", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=64 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while line := await reader.readline():
            result = await command(emulator, json.loads(line))
            print(json.dumps({"result": result}), flush=True)
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.token, args.port))


if __name__ == "__main__":
    main()
