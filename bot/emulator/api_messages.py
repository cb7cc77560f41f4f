"""Bot API methods that create, change or remove text messages, plus callback answers."""

from __future__ import annotations

from typing import Any

from bot.emulator.decoding import Params
from bot.emulator.entities import parse_text
from bot.emulator.errors import bad_request
from bot.emulator.models import JSON, CallbackAnswer, StoredMessage
from bot.emulator.validation import validate_reply_markup
from bot.emulator.world import World

MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def message_text(p: Params) -> tuple[str, list[JSON]]:
    """The text after entity parsing, checked against Telegram's 1-4096 limit."""
    raw = p.str("text", required=True) or ""
    text, entities = parse_text(raw, p.str("parse_mode"), p.json("entities"))
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def caption_of(p: Params) -> tuple[str | None, list[JSON]]:
    """An optional caption after parsing, at most 1024 characters."""
    raw = p.str("caption")
    if raw is None:
        return None, []
    caption, entities = parse_text(raw, p.str("parse_mode"), p.json("caption_entities"))
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return caption, entities


def new_bot_message(world: World, chat_id: int, **fields: Any) -> StoredMessage:
    """Store a message the bot sent and return it."""
    message = StoredMessage(
        message_id=world.next_message_id(chat_id),
        chat_id=chat_id,
        sender_id=world.bot.id,
        from_bot=True,
        date=world.now(),
        **fields,
    )
    return world.store(message)


async def send_message(world: World, p: Params) -> JSON:
    chat = world.sendable_chat(p.chat_id())
    text, entities = message_text(p)
    markup = validate_reply_markup(p.json("reply_markup"))
    message = new_bot_message(world, chat.id, text=text, entities=entities, reply_markup=markup)
    return world.message_api(message)


def _editable(world: World, p: Params) -> StoredMessage:
    if p.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    chat_id = p.chat_id()
    world.sendable_chat(chat_id)
    message = world.message(chat_id, p.int("message_id", required=True) or 0)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _apply_edit(world: World, message: StoredMessage, changes: dict[str, Any]) -> JSON:
    """Apply changes or fail with "message is not modified" as Telegram does."""
    if all(getattr(message, key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        setattr(message, key, value)
    message.edit_date = world.now()
    world.changed.fire()
    return world.message_api(message)


async def edit_message_text(world: World, p: Params) -> JSON:
    message = _editable(world, p)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, entities = message_text(p)
    markup = validate_reply_markup(p.json("reply_markup"))
    changes = {"text": text, "entities": entities, "reply_markup": markup}
    return _apply_edit(world, message, changes)


async def edit_message_caption(world: World, p: Params) -> JSON:
    message = _editable(world, p)
    if message.document is None and message.photo is None:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = caption_of(p)
    markup = validate_reply_markup(p.json("reply_markup"))
    changes = {"caption": caption, "caption_entities": entities, "reply_markup": markup}
    return _apply_edit(world, message, changes)


async def edit_message_reply_markup(world: World, p: Params) -> JSON:
    message = _editable(world, p)
    markup = validate_reply_markup(p.json("reply_markup"))
    return _apply_edit(world, message, {"reply_markup": markup})


async def delete_message(world: World, p: Params) -> bool:
    chat_id = p.chat_id()
    message = world.message(chat_id, p.int("message_id", required=True) or 0, "delete")
    message.deleted = True
    world.changed.fire()
    return True


def _copy_fields(world: World, source: StoredMessage, p: Params) -> dict[str, Any]:
    """The content of ``source`` (text, media, caption, poll) for a copy or forward."""
    fields: dict[str, Any] = {
        "text": source.text,
        "entities": list(source.entities),
        "document": source.document,
        "photo": source.photo,
        "caption": source.caption,
        "caption_entities": list(source.caption_entities),
    }
    if p.has("caption") and (source.document or source.photo):
        fields["caption"], fields["caption_entities"] = caption_of(p)
    if source.poll_id:
        poll = world.polls[source.poll_id]
        fields["poll_id"] = world.new_id("poll")
        copied = type(poll).from_dict({**poll.to_dict(), "id": fields["poll_id"], "votes": {}})
        world.polls[copied.id] = copied
    return fields


def _copy(world: World, p: Params, action: str) -> StoredMessage:
    source_chat = p.chat_id("from_chat_id")
    source = world.message(source_chat, p.int("message_id", required=True) or 0, action)
    target = world.sendable_chat(p.chat_id())
    fields = _copy_fields(world, source, p)
    markup = validate_reply_markup(p.json("reply_markup"))
    message = new_bot_message(world, target.id, reply_markup=markup, **fields)
    if action == "forward":
        message.forward_from_message = (source.chat_id, source.message_id)
    if message.poll_id:
        poll = world.polls[message.poll_id]
        poll.chat_id, poll.message_id = message.chat_id, message.message_id
    return message


async def copy_message(world: World, p: Params) -> JSON:
    return {"message_id": _copy(world, p, "copy").message_id}


async def forward_message(world: World, p: Params) -> JSON:
    message = _copy(world, p, "forward")
    data = world.message_api(message)
    original_chat, original_id = message.forward_from_message or (0, 0)
    original = world.message(original_chat, original_id, "forward")
    sender = world.bot if original.from_bot else world.user_info(original.sender_id)
    data["forward_origin"] = {
        "type": "user",
        "date": original.date,
        "sender_user": sender.to_api(),
    }
    return data


async def send_chat_action(world: World, p: Params) -> bool:
    world.sendable_chat(p.chat_id())
    if p.str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


async def answer_callback_query(world: World, p: Params) -> bool:
    query_id = p.str("callback_query_id", required=True) or ""
    if query_id not in world.callback_queries:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    answer = CallbackAnswer(query_id, text, p.bool("show_alert"), p.str("url"))
    world.callback_answers.append(answer)
    world.changed.fire()
    return True


HANDLERS = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
}
