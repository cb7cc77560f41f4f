"""The emulated Telegram's state: who exists, which chats, what was said, what was asked.

Both sides act on one ``World``: Bot API handlers (the bot's view) and control
operations (the users' view). Keeping it in one place makes "the bot's message as now
stored" in a callback query, or vote counts in a poll, consistent by construction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections.abc import Callable
from typing import Any

from bot.emulator.errors import bad_request, forbidden
from bot.emulator.faults import FaultSet
from bot.emulator.models import (
    JSON,
    CallbackAnswer,
    Chat,
    PollState,
    RequestRecord,
    StoredFile,
    StoredMessage,
    User,
    timestamp,
)
from bot.emulator.updates import Signal, UpdateQueue

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class World:
    """All emulator state plus the small lookups every handler needs."""

    def __init__(self, token: str, bot: User, clock: Clock | None = None) -> None:
        self.token = token
        self.bot = bot
        self.clock: Clock = clock or utc_now
        self.changed = Signal()
        self.updates = UpdateQueue(self.changed)
        self.faults = FaultSet()
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, list[StoredMessage]] = {}
        self.polls: dict[str, PollState] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.callback_queries: dict[str, tuple[int, int]] = {}
        self.commands: dict[str, list[JSON]] = {}
        self.request_log: list[RequestRecord] = []
        self.webhook: JSON = {"url": "", "secret_token": None, "last_error": None}
        self.latency = 0.0
        self.method_latency: dict[str, float] = {}  # lower-case method -> seconds
        self.in_flight = 0
        self.logged_out = False
        self.poll_generation = 0
        self._ids = itertools.count(1)

    # -- time and ids ---------------------------------------------------------------
    def now(self) -> int:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the emulator clock must return an aware datetime")
        return timestamp(moment)

    def new_id(self, prefix: str) -> str:
        """Opaque ids (file ids, callback query ids, poll ids) that never repeat."""
        return f"{prefix}{next(self._ids)}{secrets.token_hex(4)}"

    # -- chats ------------------------------------------------------------------------
    def chat(self, chat_id: int) -> Chat:
        """The chat, or the 400 every method gives for unknown / deleted chats."""
        chat = self.chats.get(chat_id)
        if chat is None or chat.deleted:
            raise bad_request("chat not found")
        return chat

    def sendable_chat(self, chat_id: int) -> Chat:
        """A chat the bot may post in right now (not blocked, still a member)."""
        chat = self.chat(chat_id)
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if chat.type != "private" and not chat.bot_is_member:
            raise forbidden("bot is not a member of the group chat")
        return chat

    def user_info(self, user_id: int) -> User:
        if user_id == self.bot.id:
            return self.bot
        user = self.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        return user

    # -- messages ---------------------------------------------------------------------
    def store(self, message: StoredMessage) -> StoredMessage:
        self.messages.setdefault(message.chat_id, []).append(message)
        self.changed.fire()
        return message

    def next_message_id(self, chat_id: int) -> int:
        return len(self.messages.get(chat_id, [])) + 1

    def message(self, chat_id: int, message_id: int, action: str = "edit") -> StoredMessage:
        """A live message; ``action`` words the 400 the way Telegram does per method."""
        self.chat(chat_id)
        for message in self.messages.get(chat_id, []):
            if message.message_id == message_id and not message.deleted:
                return message
        raise bad_request(f"message to {action} not found")

    def snapshot(self, message: StoredMessage) -> StoredMessage:
        """A copy for readers, with the poll's current counts filled in."""
        data = message.to_dict()
        if message.poll_id and message.poll_id in self.polls:
            data["poll"] = self.polls[message.poll_id].to_api()
        return StoredMessage.from_dict(data)

    def message_api(self, message: StoredMessage) -> JSON:
        """The Message object PTB parses for this stored message."""
        sender = self.bot if message.from_bot else self.user_info(message.sender_id)
        data: JSON = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self.chat(message.chat_id).to_api(),
            "from": sender.to_api(),
        }
        optional: dict[str, Any] = {
            "text": message.text,
            "caption": message.caption,
            "document": message.document,
            "photo": message.photo,
            "edit_date": message.edit_date,
        }
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        data.update({key: value for key, value in optional.items() if value is not None})
        if message.entities:
            data["entities"] = message.entities
        if message.caption_entities:
            data["caption_entities"] = message.caption_entities
        if message.poll_id:
            data["poll"] = self.polls[message.poll_id].to_api()
        return data

    # -- activity (for wait_until_delivered) ------------------------------------------
    def touch(self) -> None:
        """A request started or ended: wake waiters that count requests in flight."""
        self.changed.fire()
