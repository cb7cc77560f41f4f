"""The things the emulated Telegram remembers: users, chats, messages, polls, files, calls.

Each record can render itself as the Bot API JSON that PTB parses (``to_api``), and the
records tests read (messages, polls, request log) round-trip through plain dicts so the
HTTP control API and ``EmulatorClient`` hand back the same types as the in-process API.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

JSON = dict[str, Any]


def timestamp(moment: dt.datetime) -> int:
    """Unix seconds, the only date format the Bot API uses."""
    return int(moment.timestamp())


@dataclass
class User:
    """A Telegram account: a simulated person or the bot itself."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False
    last_name: str | None = None

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class Chat:
    """A private chat (id == user id) or a group (negative id) the bot may or may not be in."""

    id: int
    type: str
    title: str | None = None
    user: User | None = None
    member_ids: set[int] = field(default_factory=set)
    bot_is_member: bool = True
    blocked: bool = False
    deleted: bool = False

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title or ""
        return data

    def to_full_info(self) -> JSON:
        """What getChat returns: ChatFullInfo, whose required fields PTB checks."""
        return {
            **self.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


@dataclass
class StoredFile:
    """An uploaded file; the bytes are kept so getFile downloads and copies work."""

    file_id: str
    file_unique_id: str
    kind: str
    file_name: str | None
    mime_type: str | None
    file_size: int
    data: bytes = b""
    width: int = 0
    height: int = 0

    def to_api(self) -> JSON:
        data: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.kind == "photo":
            data.update(width=self.width, height=self.height)
        else:
            if self.file_name is not None:
                data["file_name"] = self.file_name
            if self.mime_type is not None:
                data["mime_type"] = self.mime_type
        return data


@dataclass
class PollState:
    """A poll as Telegram tracks it, including who voted what (for vote counts)."""

    id: str
    chat_id: int
    message_id: int
    question: str
    options: list[str]
    type: str = "regular"
    is_anonymous: bool = True
    allows_multiple_answers: bool = False
    allows_revoting: bool = True
    correct_option_ids: list[int] = field(default_factory=list)
    explanation: str | None = None
    explanation_entities: list[JSON] = field(default_factory=list)
    open_period: int | None = None
    close_date: int | None = None
    is_closed: bool = False
    votes: dict[int, list[int]] = field(default_factory=dict)
    opened_at: int = 0

    def closes_at(self) -> int | None:
        """When open_period / close_date end the poll (Unix seconds), if ever."""
        if self.open_period is not None:
            return self.opened_at + self.open_period
        return self.close_date

    def persistent_id(self, index: int) -> str:
        """Stable option ids (Bot API 9.6) so answers survive option reordering."""
        return f"{self.id}-{index}"

    def voter_counts(self) -> list[int]:
        counts = [0] * len(self.options)
        for chosen in self.votes.values():
            for index in chosen:
                counts[index] += 1
        return counts

    def to_api(self) -> JSON:
        counts = self.voter_counts()
        data: JSON = {
            "id": self.id,
            "question": self.question,
            "options": [
                {"text": text, "voter_count": counts[i], "persistent_id": self.persistent_id(i)}
                for i, text in enumerate(self.options)
            ],
            "total_voter_count": sum(1 for chosen in self.votes.values() if chosen),
            "is_closed": self.is_closed,
            "is_anonymous": self.is_anonymous,
            "type": self.type,
            "allows_multiple_answers": self.allows_multiple_answers,
            "allows_revoting": self.allows_revoting,
            "members_only": False,
        }
        if self.type == "quiz":
            data["correct_option_ids"] = list(self.correct_option_ids)
        if self.explanation:
            data["explanation"] = self.explanation
            data["explanation_entities"] = self.explanation_entities
        for key in ("open_period", "close_date"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    def to_dict(self) -> JSON:
        data = asdict(self)
        data["votes"] = {str(k): v for k, v in self.votes.items()}
        return data

    @classmethod
    def from_dict(cls, data: JSON) -> PollState:
        fields = dict(data)
        fields["votes"] = {int(k): v for k, v in fields.get("votes", {}).items()}
        return cls(**fields)


@dataclass
class StoredMessage:
    """One message in a chat, as a test wants to read it back."""

    message_id: int
    chat_id: int
    sender_id: int
    from_bot: bool
    date: int
    text: str | None = None
    entities: list[JSON] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[JSON] = field(default_factory=list)
    poll_id: str | None = None
    poll: JSON | None = None
    document: JSON | None = None
    photo: list[JSON] | None = None
    reply_markup: JSON | None = None
    edit_date: int | None = None
    deleted: bool = False
    forward_from_message: tuple[int, int] | None = None
    reactions: list[JSON] = field(default_factory=list)  # {"user_id": ..., "emoji": ...}

    @property
    def edited(self) -> bool:
        return self.edit_date is not None

    @property
    def buttons(self) -> list[list[JSON]]:
        """Rows of inline buttons currently on the message (empty without a keyboard)."""
        if not self.reply_markup:
            return []
        rows: list[list[JSON]] = self.reply_markup.get("inline_keyboard", [])
        return rows

    def to_dict(self) -> JSON:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: JSON) -> StoredMessage:
        fields = dict(data)
        if fields.get("forward_from_message") is not None:
            fields["forward_from_message"] = tuple(fields["forward_from_message"])
        return cls(**fields)


@dataclass
class RequestRecord:
    """One Bot API call the bot made: what it asked for and what it got."""

    method: str
    params: JSON
    time: float
    status: int = 0
    description: str | None = None

    def to_dict(self) -> JSON:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: JSON) -> RequestRecord:
        return cls(**data)


@dataclass
class CallbackAnswer:
    """What the bot said in answerCallbackQuery (the toast/alert the user would see)."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None = None

    def to_dict(self) -> JSON:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: JSON) -> CallbackAnswer:
        return cls(**data)


@dataclass
class Download:
    """A file's bytes as a user's app would download them, with the name it was sent as."""

    file_name: str | None
    mime_type: str | None
    data: bytes

    def to_dict(self) -> JSON:
        return {
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "data": base64.b64encode(self.data).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: JSON) -> Download:
        return cls(data["file_name"], data["mime_type"], base64.b64decode(data["data"]))
