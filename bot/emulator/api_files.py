"""sendDocument, sendPhoto and getFile: uploads are kept so bots can re-send and download."""

from __future__ import annotations

import mimetypes
import struct
from urllib.parse import urlparse

from bot.emulator.api_messages import caption_of, new_bot_message
from bot.emulator.decoding import Params, Upload
from bot.emulator.errors import bad_request
from bot.emulator.models import JSON, StoredFile
from bot.emulator.validation import validate_reply_markup
from bot.emulator.world import World

MB = 1024 * 1024
UPLOAD_LIMITS = {"document": 50 * MB, "photo": 10 * MB}
DOWNLOAD_LIMIT = 20 * MB


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (the common test fixture); a plausible default otherwise."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 320, 240


def _from_upload(world: World, kind: str, upload: Upload) -> StoredFile:
    if len(upload.data) > UPLOAD_LIMITS[kind]:
        raise bad_request("file is too big")
    if not upload.data:
        raise bad_request("file must be non-empty")
    name = upload.filename or f"{kind}.bin"
    mime = upload.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    width, height = _image_size(upload.data) if kind == "photo" else (0, 0)
    return StoredFile(
        file_id=world.new_id("BQAC"),
        file_unique_id=world.new_id("AgAD"),
        kind=kind,
        file_name=name,
        mime_type=mime,
        file_size=len(upload.data),
        data=upload.data,
        width=width,
        height=height,
    )


def _from_reference(world: World, kind: str, reference: str) -> StoredFile:
    """A file_id we issued earlier, or a URL (which offline we can only pretend to fetch)."""
    if reference in world.files:
        return world.files[reference]
    if reference.startswith(("http://", "https://")):
        name = urlparse(reference).path.rsplit("/", 1)[-1] or f"{kind}.bin"
        upload = Upload(name, mimetypes.guess_type(name)[0], reference.encode())
        return _from_upload(world, kind, upload)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _input_file(world: World, kind: str, p: Params) -> StoredFile:
    upload = p.files.get(kind)
    reference = p.str(kind)
    if upload is None and reference and reference.startswith("attach://"):
        upload = p.files.get(reference.removeprefix("attach://"))
    if upload is not None:
        stored = _from_upload(world, kind, upload)
    elif reference:
        stored = _from_reference(world, kind, reference)
    else:
        raise bad_request(f"there is no {kind} in the request")
    world.files[stored.file_id] = stored
    return stored


async def send_document(world: World, p: Params) -> JSON:
    chat = world.sendable_chat(p.chat_id())
    stored = _input_file(world, "document", p)
    caption, entities = caption_of(p)
    markup = validate_reply_markup(p.json("reply_markup"))
    message = new_bot_message(
        world,
        chat.id,
        document=stored.to_api(),
        caption=caption,
        caption_entities=entities,
        reply_markup=markup,
    )
    return world.message_api(message)


async def send_photo(world: World, p: Params) -> JSON:
    chat = world.sendable_chat(p.chat_id())
    stored = _input_file(world, "photo", p)
    caption, entities = caption_of(p)
    markup = validate_reply_markup(p.json("reply_markup"))
    message = new_bot_message(
        world,
        chat.id,
        photo=[stored.to_api()],
        caption=caption,
        caption_entities=entities,
        reply_markup=markup,
    )
    return world.message_api(message)


def file_path(stored: StoredFile) -> str:
    """Where getFile says the bytes live, relative to base_file_url + token."""
    suffix = mimetypes.guess_extension(stored.mime_type or "") or ".bin"
    folder = "photos" if stored.kind == "photo" else "documents"
    return f"{folder}/{stored.file_id}{suffix}"


async def get_file(world: World, p: Params) -> JSON:
    stored = world.files.get(p.str("file_id", required=True) or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": file_path(stored),
    }


HANDLERS = {"sendDocument": send_document, "sendPhoto": send_photo, "getFile": get_file}
