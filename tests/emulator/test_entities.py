"""HTML and MarkdownV2 parsing: plain text, UTF-16 offsets, Telegram's error texts."""

from __future__ import annotations

import pytest

from bot.emulator.entities import parse_html, parse_markdown_v2, utf16_len
from bot.emulator.errors import ApiError


def test_nested_and_linked_html() -> None:
    text, entities = parse_html('<b>a <i>b</i></b> <a href="https://x.org?a=1&amp;b=2">c</a>')
    assert text == "a b c"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 2, "length": 1},
        {"type": "text_link", "url": "https://x.org?a=1&b=2", "offset": 4, "length": 1},
    ]


def test_pre_with_language_and_spoiler() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><tg-spoiler>s</tg-spoiler>'
    )
    assert text == "x = 1s"
    assert entities == [
        {"type": "pre", "language": "python", "offset": 0, "length": 5},
        {"type": "spoiler", "offset": 5, "length": 1},
    ]


def test_utf16_offsets() -> None:
    assert utf16_len("😀") == 2
    _, entities = parse_html("😀😀<u>x</u>")
    assert entities == [{"type": "underline", "offset": 4, "length": 1}]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("a </b>", "Unexpected end tag at byte offset 2"),
        ("<i>x", 'Can\'t find end tag corresponding to start tag "i"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
    ],
)
def test_html_errors(source: str, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.status == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {message}"


def test_markdown_v2_code_and_escapes() -> None:
    text, entities = parse_markdown_v2("`a*b` __u__ ~s~ ||sp|| a\\_b\n```py\nprint()```")
    assert text == "a*b u s sp a_b\nprint()"
    assert [e["type"] for e in entities] == [
        "code",
        "underline",
        "strikethrough",
        "spoiler",
        "pre",
    ]
    assert entities[-1]["language"] == "py"


def test_markdown_v2_unclosed() -> None:
    with pytest.raises(ApiError, match="Can't find end"):
        parse_markdown_v2("*bold")
