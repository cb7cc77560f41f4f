"""Builders for the updates Telegram pushes to the bot (the payload shapes PTB parses)."""

from __future__ import annotations

from bot.emulator.models import JSON, Chat, User
from bot.emulator.world import World


def member_json(user: User, status: str) -> JSON:
    """A ChatMember in the given status; "kicked" needs until_date (0 = forever)."""
    data: JSON = {"status": status, "user": user.to_api()}
    if status == "kicked":
        data["until_date"] = 0
    return data


def push_my_chat_member(world: World, chat: Chat, actor: User, old: str, new: str) -> JSON:
    """Tell the bot its own membership changed (blocked/unblocked, added/removed)."""
    payload = {
        "chat": chat.to_api(),
        "from": actor.to_api(),
        "date": world.now(),
        "old_chat_member": member_json(world.bot, old),
        "new_chat_member": member_json(world.bot, new),
    }
    return world.updates.push("my_chat_member", payload)
