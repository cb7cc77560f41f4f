"""Turn HTML / MarkdownV2 text into plain text plus MessageEntity dicts, as Telegram does.

Offsets and lengths are in UTF-16 code units because that is what the Bot API (and PTB's
``Message.parse_entity``) uses; getting this wrong breaks bots that slice entities out of
text containing emoji. Parse failures raise ``ApiError`` with Telegram's wording so the bot
under test sees the same ``BadRequest`` it would in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import ApiError, bad_request

Entity = dict[str, Any]

SIMPLE_HTML_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
HTML_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)?([^<>]*)>")
HTML_ATTR_RE = re.compile(r"""([a-zA-Z-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
HTML_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (astral characters such as most emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def parse_error(detail: str) -> ApiError:
    """The 400 Telegram returns for malformed formatting."""
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _Builder:
    """Accumulates plain text and open/closed entities while a parser walks the input."""

    parts: list[str] = field(default_factory=list)
    offset: int = 0
    entities: list[Entity] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        self.parts.append(text)
        self.offset += utf16_len(text)

    def close(self, entity: Entity, start: int) -> None:
        length = self.offset - start
        if length > 0:
            self.entities.append({**entity, "offset": start, "length": length})

    def result(self) -> tuple[str, list[Entity]]:
        ordered = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), ordered


def _html_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in HTML_ATTR_RE.finditer(raw):
        name, dq, sq, bare = match.groups()
        value = dq if dq is not None else sq if sq is not None else bare or ""
        attrs[name.lower()] = _unescape_html(value)
    return attrs


def _html_entity_for(tag: str, attrs: dict[str, str], byte_offset: int) -> Entity:
    """Map one opening tag to the entity it starts, or fail like Telegram."""
    if tag == "code" and attrs.get("class", "").startswith("language-"):
        return {"type": "code", "language": attrs["class"].removeprefix("language-")}
    if tag in SIMPLE_HTML_TAGS:
        return {"type": SIMPLE_HTML_TAGS[tag]}
    if tag == "span" and attrs.get("class") == "tg-spoiler":
        return {"type": "spoiler"}
    if tag == "a" and "href" in attrs:
        return {"type": "text_link", "url": attrs["href"]}
    if tag == "blockquote":
        kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        return {"type": kind}
    if tag == "tg-emoji" and "emoji-id" in attrs:
        return {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}
    raise parse_error(f'Unsupported start tag "{tag}" at byte offset {byte_offset}')


def _unescape_html(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return NAMED_ENTITIES[name]

    return HTML_ENTITY_RE.sub(replace, text)


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Parse Telegram's HTML subset; unknown or unbalanced tags fail as on Telegram."""
    builder = _Builder()
    stack: list[tuple[str, Entity, int]] = []
    pos = 0
    while pos < len(source):
        lt = source.find("<", pos)
        if lt == -1:
            builder.add_text(_unescape_html(source[pos:]))
            break
        builder.add_text(_unescape_html(source[pos:lt]))
        byte_offset = len(source[:lt].encode())
        match = HTML_TAG_RE.match(source, lt)
        if match is None or match.group(2) is None:
            raise parse_error(f'Unsupported start tag "" at byte offset {byte_offset}')
        closing, tag, raw_attrs = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            _close_html_tag(builder, stack, tag, byte_offset)
        else:
            entity = _html_entity_for(tag, _html_attrs(raw_attrs), byte_offset)
            stack.append((tag, entity, builder.offset))
        pos = match.end()
    if stack:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return _merge_pre_code(*builder.result())


def _close_html_tag(
    builder: _Builder, stack: list[tuple[str, Entity, int]], tag: str, byte_offset: int
) -> None:
    if not stack:
        raise parse_error(f"Unexpected end tag at byte offset {byte_offset}")
    open_tag, entity, start = stack.pop()
    if open_tag != tag:
        raise parse_error(
            f'Unmatched end tag at byte offset {byte_offset}, expected "</{open_tag}>", '
            f'found "</{tag}>"'
        )
    builder.close(entity, start)


def _merge_pre_code(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """``<pre><code class="language-x">`` is one pre entity with a language, not two."""
    pre_spans = {(e["offset"], e["length"]): e for e in entities if e["type"] == "pre"}
    merged: list[Entity] = []
    for entity in entities:
        pre = pre_spans.get((entity["offset"], entity["length"]))
        if entity["type"] == "code" and pre is not None:
            if "language" in entity:
                pre["language"] = entity["language"]
            continue
        if entity["type"] == "code":
            entity.pop("language", None)
        merged.append(entity)
    return text, merged


MD_MARKERS: list[tuple[str, str]] = [
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
]
MD_LINK_RE = re.compile(r"\]\(((?:\\.|[^)\\])*)\)")


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2, including its rule that reserved characters must be escaped."""
    builder = _Builder()
    stack: list[tuple[str, Entity, int]] = []
    pos = 0
    while pos < len(source):
        char = source[pos]
        byte_offset = len(source[:pos].encode())
        if char == "\\" and pos + 1 < len(source):
            builder.add_text(source[pos + 1])
            pos += 2
            continue
        if char == "`":
            pos = _md_code(source, pos, builder)
            continue
        marker = next((m for m in MD_MARKERS if source.startswith(m[0], pos)), None)
        if marker is not None:
            _md_toggle(builder, stack, marker, byte_offset)
            pos += len(marker[0])
            continue
        if char == "[":
            stack.append(("[", {"type": "text_link"}, builder.offset))
            pos += 1
            continue
        if char == "]" and stack and stack[-1][0] == "[":
            pos = _md_link_end(source, pos, builder, stack, byte_offset)
            continue
        if char in MARKDOWN_V2_RESERVED:
            raise parse_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        builder.add_text(char)
        pos += 1
    if stack:
        raise parse_error(f"Can't find end of {stack[-1][1]['type']} entity")
    return builder.result()


def _md_toggle(
    builder: _Builder, stack: list[tuple[str, Entity, int]], marker: tuple[str, str], at: int
) -> None:
    token, kind = marker
    for index in range(len(stack) - 1, -1, -1):
        if stack[index][0] == token:
            if index != len(stack) - 1:
                raise parse_error(f"Can't find end of {stack[-1][1]['type']} entity at {at}")
            _, entity, start = stack.pop()
            builder.close(entity, start)
            return
    stack.append((token, {"type": kind}, builder.offset))


def _md_code(source: str, pos: int, builder: _Builder) -> int:
    """Handle `code` and ```pre``` spans, where only ` and \\ are special."""
    fence = "```" if source.startswith("```", pos) else "`"
    body_start = pos + len(fence)
    end = source.find(fence, body_start)
    while end != -1 and source[end - 1] == "\\" and source[end - 2 : end] != "\\\\":
        end = source.find(fence, end + 1)
    if end == -1:
        byte_offset = len(source[:pos].encode())
        raise parse_error(f"Can't find end of the entity starting at byte offset {byte_offset}")
    body = source[body_start:end]
    entity: Entity = {"type": "code"}
    if fence == "```":
        entity = {"type": "pre"}
        first, newline, rest = body.partition("\n")
        if newline and first and " " not in first:
            entity["language"] = first
            body = rest
    body = re.sub(r"\\([`\\])", r"\1", body)
    start = builder.offset
    builder.add_text(body)
    builder.close(entity, start)
    return end + len(fence)


def _md_link_end(
    source: str, pos: int, builder: _Builder, stack: list[tuple[str, Entity, int]], at: int
) -> int:
    match = MD_LINK_RE.match(source, pos)
    if match is None:
        raise parse_error(f"Can't find end of a url at byte offset {at}")
    _, entity, start = stack.pop()
    url = re.sub(r"\\(.)", r"\1", match.group(1))
    builder.close({**entity, "url": url}, start)
    return match.end()


def parse_text(
    text: str, parse_mode: str | None, entities: list[Entity] | None
) -> tuple[str, list[Entity]]:
    """Apply ``parse_mode`` (or explicit entities) the way every send/edit method does."""
    if entities:
        return text, list(entities)
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode in ("", "markdown"):
        return text, []
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")
