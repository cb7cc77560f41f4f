"""``python -m bot.emulator``: run the emulator standalone until interrupted.

Prints the Bot API base URL (for ``ApplicationBuilder().base_url``) and the control URL
(for ``EmulatorClient``), one per line, so scripts can read them from stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from bot.emulator.emulator import BotApiEmulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    parser.add_argument("--token", required=True, help="the only token the emulator accepts")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="Bot API port (0: any)")
    parser.add_argument("--control-port", type=int, default=0, help="control API port")
    parser.add_argument("--bot-username", default="attune_demo_bot")
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="ID:NAME",
        help="create a user (and private chat) at start-up; repeatable",
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    emulator = BotApiEmulator(args.token, bot_username=args.bot_username)
    await emulator.start(args.host, args.port, args.control_port)
    for spec in args.user:
        user_id, _, name = spec.partition(":")
        emulator.add_user(int(user_id), name or f"User {user_id}")
    sys.stdout.write(f"base_url: {emulator.base_url}\ncontrol_url: {emulator.control_url}\n")
    sys.stdout.flush()
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
