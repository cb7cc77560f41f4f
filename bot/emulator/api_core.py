"""Bot API methods about the bot itself: identity, updates, webhook, commands, chats."""

from __future__ import annotations

from bot.emulator.decoding import Params
from bot.emulator.errors import ApiError, bad_request
from bot.emulator.events import member_json, push_my_chat_member
from bot.emulator.models import JSON
from bot.emulator.validation import scope_key, validate_commands
from bot.emulator.webhook import DEFAULT_CONNECTIONS
from bot.emulator.world import World

MAX_POLL_TIMEOUT = 50


async def get_me(world: World, p: Params) -> JSON:
    return {
        **world.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(world: World, p: Params) -> list[JSON]:
    """Real long polling; a newer getUpdates call ends an older one with 409, as on Telegram."""
    if world.webhook["url"]:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    world.updates.confirm(p.int("offset"))
    limit = min(max(p.int("limit") or 100, 1), 100)
    timeout = min(max(p.int("timeout") or 0, 0), MAX_POLL_TIMEOUT)
    allowed = p.json("allowed_updates")
    if isinstance(allowed, list):
        world.updates.allowed_updates = [str(kind) for kind in allowed]
    world.poll_generation += 1
    world.changed.fire()  # an older long poll ends now, with 409, as on Telegram
    generation = world.poll_generation
    await world.changed.wait_for(
        lambda: bool(world.updates.available(limit)) or world.poll_generation != generation,
        timeout,
    )
    if world.poll_generation != generation:
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        )
    return world.updates.available(limit)


async def set_webhook(world: World, p: Params) -> bool:
    url = p.str("url") or ""
    secret = p.str("secret_token")
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    if p.bool("drop_pending_updates"):
        world.updates.drop_all()
    connections = p.int("max_connections") or DEFAULT_CONNECTIONS
    if not 1 <= connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    world.webhook = {
        "url": url,
        "secret_token": secret,
        "last_error": None,
        "max_connections": connections,
    }
    allowed = p.json("allowed_updates")
    if isinstance(allowed, list):
        world.updates.allowed_updates = [str(kind) for kind in allowed]
    world.changed.fire()
    return True


async def delete_webhook(world: World, p: Params) -> bool:
    if p.bool("drop_pending_updates"):
        world.updates.drop_all()
    world.webhook = {"url": "", "secret_token": None, "last_error": None}
    world.changed.fire()
    return True


async def get_webhook_info(world: World, p: Params) -> JSON:
    info: JSON = {
        "url": world.webhook["url"],
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates.available()),
        "max_connections": world.webhook.get("max_connections", DEFAULT_CONNECTIONS),
    }
    error = world.webhook.get("last_error")
    if error:
        info["last_error_date"], info["last_error_message"] = error
    if world.updates.allowed_updates:
        info["allowed_updates"] = world.updates.allowed_updates
    return info


async def set_my_commands(world: World, p: Params) -> bool:
    commands = validate_commands(p.json("commands"))
    world.commands[scope_key(p.json("scope"), p.str("language_code"))] = commands
    return True


async def get_my_commands(world: World, p: Params) -> list[JSON]:
    return world.commands.get(scope_key(p.json("scope"), p.str("language_code")), [])


async def delete_my_commands(world: World, p: Params) -> bool:
    world.commands.pop(scope_key(p.json("scope"), p.str("language_code")), None)
    return True


async def get_chat(world: World, p: Params) -> JSON:
    return world.chat(p.chat_id()).to_full_info()


async def get_chat_member(world: World, p: Params) -> JSON:
    chat = world.chat(p.chat_id())
    user_id = p.int("user_id", required=True) or 0
    user = world.user_info(user_id)
    if user_id == world.bot.id:
        in_chat = not chat.blocked if chat.type == "private" else chat.bot_is_member
        return member_json(user, "member" if in_chat else "left")
    if chat.type == "private":
        if user_id != chat.id:
            raise bad_request("user not found")
        return member_json(user, "member")
    return member_json(user, "member" if user_id in chat.member_ids else "left")


async def leave_chat(world: World, p: Params) -> bool:
    chat = world.chat(p.chat_id())
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    if not chat.bot_is_member:
        raise ApiError(403, "Forbidden: bot is not a member of the group chat")
    chat.bot_is_member = False
    push_my_chat_member(world, chat, world.bot, "member", "left")
    return True


async def close(world: World, p: Params) -> bool:
    return True


async def log_out(world: World, p: Params) -> bool:
    world.logged_out = True
    return True


HANDLERS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "leaveChat": leave_chat,
    "close": close,
    "logOut": log_out,
}
