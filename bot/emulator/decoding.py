"""Decode Bot API requests exactly as PTB encodes them.

PTB posts form-urlencoded or multipart bodies in which every non-string value is
JSON-encoded per field and strings are sent raw (``RequestData.json_parameters``). So a
field is only JSON-decoded when the handler asks for a typed value: ``text="123"`` stays
the string "123", while ``chat_id="123"`` becomes 123. JSON bodies (curl, other clients)
arrive already typed and go through the same accessors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.multipart import BodyPartReader

from bot.emulator.errors import bad_request

# Params has methods named str, int and bool (the Bot API's parameter kinds); inside the
# class those names are the methods, so annotations use these aliases.
Text = str
Number = int
Flag = bool


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Params:
    """Raw request fields plus typed accessors that remember what they decoded."""

    raw: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)
    decoded: dict[str, Any] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.raw or name in self.files

    def _remember(self, name: str, value: Any) -> Any:
        self.decoded[name] = value
        return value

    def str(self, name: str, required: bool = False) -> str | None:
        value = self.raw.get(name)
        if value is None:
            if required:
                raise bad_request(
                    f"{name} is empty" if name != "text" else "message text is empty"
                )
            return None
        text = value if isinstance(value, str) else json.dumps(value)
        return self._remember(name, text)

    def json(self, name: Text) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise bad_request(f"can't parse {name} JSON object") from exc
        return self._remember(name, value)

    def int(self, name: Text, required: Flag = False) -> Number | None:
        value = self.json(name)
        if value is None:
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad_request(f"invalid {name} specified")
        return self._remember(name, int(value))

    def bool(self, name: Text, default: Flag = False) -> Flag:
        value = self.json(name)
        if value is None:
            return default
        return self._remember(name, bool(value))

    def chat_id(self, name: Text = "chat_id") -> Number:
        """Chat ids are ints; an ``@username`` we do not know is simply "chat not found"."""
        value = self.raw.get(name)
        if value is None:
            raise bad_request("chat_id is empty")
        try:
            number = int(value)
        except (TypeError, ValueError) as exc:
            raise bad_request("chat not found") from exc
        return self._remember(name, number)

    def logged(self) -> dict[Text, Any]:
        """Params for the request log: typed where the handler decoded them."""
        merged = {**self.raw, **self.decoded}
        for name, upload in self.files.items():
            merged[name] = {"filename": upload.filename, "size": len(upload.data)}
        return merged


async def decode_request(request: web.Request) -> Params:
    """Read form, multipart, JSON or query-string parameters into ``Params``."""
    raw: dict[str, Any] = dict(request.query)
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json() if request.can_read_body else {}
        except ValueError as exc:
            raise bad_request("can't parse JSON request body") from exc
        if not isinstance(body, dict):
            raise bad_request("request body must be a JSON object")
        raw.update(body)
        return Params(raw)
    if content_type.startswith("multipart/"):
        return await _decode_multipart(request, raw)
    if request.can_read_body:
        form = await request.post()
        raw.update({key: value for key, value in form.items() if isinstance(value, str)})
    return Params(raw)


async def _decode_multipart(request: web.Request, raw: dict[str, Any]) -> Params:
    files: dict[str, Upload] = {}
    reader = await request.multipart()
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        data = await part.read(decode=True)
        if part.filename is not None:
            content_type = part.headers.get("Content-Type")
            files[part.name] = Upload(part.filename, content_type, bytes(data))
        else:
            raw[part.name] = bytes(data).decode("utf-8")
    return Params(raw, files)
