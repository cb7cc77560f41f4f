"""The user side of the emulated Telegram: people who write, tap, vote and block.

Every operation changes the ``World`` the way the real app would and queues the update
Telegram would push to the bot. Impossible requests (a button that is not on the
message, a poll the bot never sent) raise ``EmulatorError`` so a test cannot accidentally
exercise a path no real user could reach, unless it opts in with ``check=False`` /
``force=True``.
"""

from __future__ import annotations

import mimetypes
import re
from typing import Any

from bot.emulator.errors import ApiError, EmulatorError
from bot.emulator.events import push_my_chat_member
from bot.emulator.models import JSON, Chat, StoredFile, StoredMessage, User
from bot.emulator.world import World

COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")


def command_entities(text: str) -> list[JSON]:
    """A leading /command (with optional @bot suffix) gets a bot_command entity."""
    match = COMMAND_RE.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(match.group(0))}]


class UserSide:
    """Control operations, shared by ``BotApiEmulator`` and the HTTP control API."""

    world: World

    # -- people and chats ---------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        """Create a user and their private chat with the bot (chat id == user id)."""
        if user_id <= 0:
            raise EmulatorError("user ids are positive")
        user = User(user_id, first_name, username, language_code)
        self.world.users[user_id] = user
        self.world.chats[user_id] = Chat(user_id, "private", user=user, member_ids={user_id})
        return user.to_api()

    def create_group(
        self, chat_id: int, title: str, member_ids: list[int], bot_is_member: bool = True
    ) -> JSON:
        """A group chat (negative id) with these users, the bot in it or not."""
        if chat_id >= 0:
            raise EmulatorError("group chat ids are negative")
        for user_id in member_ids:
            self._user(user_id)
        chat = Chat(chat_id, "group", title=title, member_ids=set(member_ids))
        chat.bot_is_member = bot_is_member
        self.world.chats[chat_id] = chat
        return chat.to_api()

    def add_bot_to_group(self, chat_id: int, by_user_id: int) -> JSON:
        """A member adds the bot; Telegram tells the bot with my_chat_member."""
        chat = self._chat(chat_id)
        actor = self._user(by_user_id)
        if chat.bot_is_member:
            raise EmulatorError(f"the bot is already in chat {chat_id}")
        chat.bot_is_member = True
        return push_my_chat_member(self.world, chat, actor, "left", "member")

    def remove_bot_from_group(self, chat_id: int, by_user_id: int) -> JSON:
        """A member removes the bot from a group (my_chat_member "left")."""
        chat = self._chat(chat_id)
        actor = self._user(by_user_id)
        chat.bot_is_member = False
        return push_my_chat_member(self.world, chat, actor, "member", "left")

    def delete_chat(self, chat_id: int) -> None:
        """The chat disappears; afterwards every send answers "chat not found"."""
        self._chat(chat_id).deleted = True
        self.world.changed.fire()

    def block_bot(self, user_id: int) -> JSON:
        """The user blocks the bot: sends now fail with 403, bot gets my_chat_member."""
        chat = self._chat(user_id)
        chat.blocked = True
        return push_my_chat_member(self.world, chat, self._user(user_id), "member", "kicked")

    def unblock_bot(self, user_id: int) -> JSON:
        chat = self._chat(user_id)
        chat.blocked = False
        return push_my_chat_member(self.world, chat, self._user(user_id), "kicked", "member")

    # -- things users do ------------------------------------------------------------------
    def send_message(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        entities: list[JSON] | None = None,
    ) -> StoredMessage:
        """The user writes ``text`` (formatted by ``entities``, e.g. bold, as a client would).

        Without ``entities``, a leading /command gets its bot_command entity.
        """
        if not text:
            raise EmulatorError("Telegram does not send empty messages")
        found = command_entities(text) if entities is None else entities
        return self._post(user_id, chat_id, text=text, entities=found)

    def send_file(
        self,
        user_id: int,
        kind: str,
        file_name: str,
        data: bytes,
        caption: str | None = None,
        caption_entities: list[JSON] | None = None,
        declared_size: int | None = None,
    ) -> StoredMessage:
        """The user sends a ``document`` or ``photo`` (``declared_size`` fakes a huge file)."""
        if kind not in ("document", "photo"):
            raise EmulatorError("kind must be 'document' or 'photo'")
        stored = StoredFile(
            file_id=self.world.new_id("BQAC"),
            file_unique_id=self.world.new_id("AgAD"),
            kind=kind,
            file_name=file_name,
            mime_type=mimetypes.guess_type(file_name)[0] or "application/octet-stream",
            file_size=declared_size if declared_size is not None else len(data),
            data=data,
            width=320 if kind == "photo" else 0,
            height=240 if kind == "photo" else 0,
        )
        self.world.files[stored.file_id] = stored
        media: dict[str, Any] = (
            {"photo": [stored.to_api()]} if kind == "photo" else {"document": stored.to_api()}
        )
        return self._post(
            user_id, None, caption=caption, caption_entities=caption_entities or [], **media
        )

    def _post(self, user_id: int, chat_id: int | None, **content: Any) -> StoredMessage:
        """Store a user's message and queue it as an update for the bot."""
        user = self._user(user_id)
        chat = self._chat(user_id if chat_id is None else chat_id)
        if chat.blocked:
            raise EmulatorError(f"user {user_id} has blocked the bot; unblock_bot first")
        if user_id not in chat.member_ids:
            raise EmulatorError(f"user {user_id} is not a member of chat {chat.id}")
        message = StoredMessage(
            message_id=self.world.next_message_id(chat.id),
            chat_id=chat.id,
            sender_id=user.id,
            from_bot=False,
            date=self.world.now(),
            **content,
        )
        self.world.store(message)
        if chat.type == "private" or chat.bot_is_member:
            self.world.updates.push("message", self.world.message_api(message))
        return self.world.snapshot(message)

    def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        chat_id: int | None = None,
        check: bool = True,
    ) -> str:
        """Tap an inline button; returns the callback query id the bot must answer."""
        user = self._user(user_id)
        chat = self._chat(user_id if chat_id is None else chat_id)
        message = self._find_message(chat.id, message_id)
        offered = [b.get("callback_data") for row in message.buttons for b in row]
        if check and callback_data not in offered:
            raise EmulatorError(
                f"message {message_id} has no button with callback_data {callback_data!r}; "
                f"it offers {offered}"
            )
        query_id = self.world.new_id("cbq")
        self.world.callback_queries[query_id] = (chat.id, message_id)
        payload = {
            "id": query_id,
            "from": user.to_api(),
            "message": self.world.message_api(message),
            "chat_instance": str(abs(hash((chat.id, self.world.bot.id)))),
            "data": callback_data,
        }
        self.world.updates.push("callback_query", payload)
        return query_id

    def answer_poll(
        self, user_id: int, poll_id: str, option_ids: list[int], force: bool = False
    ) -> JSON | None:
        """Vote (``[]`` retracts); non-anonymous polls send the bot a poll_answer."""
        user = self._user(user_id)
        poll = self.world.polls.get(poll_id)
        if poll is None:
            if not force:
                raise EmulatorError(f"the bot never sent poll {poll_id!r} (force=True forges)")
            return self._push_poll_answer(user, poll_id, option_ids)
        self._check_vote(user_id, poll, option_ids)
        poll.votes[user_id] = sorted(option_ids)
        self.world.changed.fire()
        self.world.updates.push("poll", poll.to_api())
        if poll.is_anonymous:
            return None
        return self._push_poll_answer(user, poll_id, option_ids)

    def react(self, user_id: int, message_id: int, emoji: str, chat_id: int | None = None) -> JSON:
        """The user reacts to a bot message with ``emoji`` (``""`` takes it back); the
        bot gets a message_reaction update if it asked for those."""
        user = self._user(user_id)
        chat = self._chat(user_id if chat_id is None else chat_id)
        message = self.world.message(chat.id, message_id, "react to")
        if user_id not in chat.member_ids:
            raise EmulatorError(f"user {user_id} is not a member of chat {chat.id}")
        old = [r for r in message.reactions if r["user_id"] == user_id]
        message.reactions = [r for r in message.reactions if r["user_id"] != user_id]
        if emoji:
            message.reactions.append({"user_id": user_id, "emoji": emoji})
        self.world.changed.fire()
        payload = {
            "chat": chat.to_api(),
            "message_id": message_id,
            "user": user.to_api(),
            "date": self.world.now(),
            "old_reaction": [{"type": "emoji", "emoji": r["emoji"]} for r in old],
            "new_reaction": [{"type": "emoji", "emoji": emoji}] if emoji else [],
        }
        return self.world.updates.push("message_reaction", payload)

    def _check_vote(self, user_id: int, poll: Any, option_ids: list[int]) -> None:
        chat = self._chat(poll.chat_id)
        if user_id not in chat.member_ids:
            raise EmulatorError(f"user {user_id} cannot see poll {poll.id}")
        closes_at = poll.closes_at()
        if closes_at is not None and self.world.now() >= closes_at:
            poll.is_closed = True
        if poll.is_closed:
            raise EmulatorError(f"poll {poll.id} is closed")
        if any(not 0 <= i < len(poll.options) for i in option_ids):
            raise EmulatorError(f"poll {poll.id} has options 0..{len(poll.options) - 1}")
        if len(option_ids) > 1 and not poll.allows_multiple_answers:
            raise EmulatorError(f"poll {poll.id} allows one answer")
        if poll.votes.get(user_id) and not poll.allows_revoting:
            raise EmulatorError(f"poll {poll.id} does not allow changing a vote")

    def _push_poll_answer(self, user: User, poll_id: str, option_ids: list[int]) -> JSON:
        payload = {
            "poll_id": poll_id,
            "user": user.to_api(),
            "option_ids": list(option_ids),
            "option_persistent_ids": [f"{poll_id}-{i}" for i in option_ids],
        }
        return self.world.updates.push("poll_answer", payload)

    # -- lookups --------------------------------------------------------------------------
    def _user(self, user_id: int) -> User:
        user = self.world.users.get(user_id)
        if user is None:
            raise EmulatorError(f"unknown user {user_id}; call add_user first")
        return user

    def _chat(self, chat_id: int) -> Chat:
        chat = self.world.chats.get(chat_id)
        if chat is None or chat.deleted:
            raise EmulatorError(f"unknown chat {chat_id}")
        return chat

    def _find_message(self, chat_id: int, message_id: int) -> StoredMessage:
        try:
            message = self.world.message(chat_id, message_id)
        except ApiError as exc:
            raise EmulatorError(f"no message {message_id} in chat {chat_id}") from exc
        if not message.from_bot:
            raise EmulatorError(f"message {message_id} was not sent by the bot")
        return message
