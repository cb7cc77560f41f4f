"""Validation of structured parameters (keyboards, commands) with Telegram's limits.

The point of the emulator is to fail where Telegram fails, so a bot that builds a
64-byte-plus callback_data or a 33-character command breaks in tests, not in production.
"""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.models import JSON

BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_COMMANDS = 100


def validate_reply_markup(markup: Any) -> JSON | None:
    """Check an inline keyboard, reply keyboard, removal or force-reply object."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _validate_reply_keyboard(markup["keyboard"])
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _rows(rows: Any, field: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field}" of the keyboard must be an Array of Arrays')
    return rows


def _validate_inline_keyboard(rows: Any) -> None:
    for row in _rows(rows, "inline_keyboard"):
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("text buttons are unallowed in the inline keyboard")
            actions = [key for key in BUTTON_ACTIONS if key in button]
            if len(actions) != 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one action is required"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
            copy = button.get("copy_text")
            if copy is not None and not 1 <= len(str(copy.get("text", ""))) <= 256:
                raise bad_request("COPY_TEXT_INVALID")


def _validate_reply_keyboard(rows: Any) -> None:
    for row in _rows(rows, "keyboard"):
        for button in row:
            text = button if isinstance(button, str) else button.get("text")
            if not text:
                raise bad_request("keyboard button text must be non-empty")


def validate_commands(commands: Any) -> list[JSON]:
    """setMyCommands: at most 100 commands, names [a-z0-9_]{1,32}, descriptions 1-256."""
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands specified")
    cleaned: list[JSON] = []
    for entry in commands:
        if not isinstance(entry, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command = str(entry.get("command", "")).removeprefix("/")
        description = str(entry.get("description", ""))
        if not COMMAND_RE.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command, "description": description})
    return cleaned


def scope_key(scope: Any, language_code: str | None) -> str:
    """A stable key for a (scope, language) pair, e.g. ``default`` or ``chat:42/de``."""
    if not scope:
        base = "default"
    else:
        kind = str(scope.get("type", "default"))
        parts = [kind] + [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
        base = ":".join(parts)
    return f"{base}/{language_code}" if language_code else base


def check_length(value: str | None, name: str, low: int, high: int) -> None:
    """Length check with Telegram-style wording for the common fields."""
    length = len(value or "")
    if length < low:
        raise bad_request(f"{name} is empty" if low == 1 else f"{name} is too short")
    if length > high:
        raise bad_request(f"{name} is too long")
