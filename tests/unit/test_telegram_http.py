"""The HTTP client against real sockets on 127.0.0.1: what each failure is read as.

Which failures count as "may have arrived" decides whether a lesson part is ever sent
twice, so these use real refusals, cut connections and silences, not built exceptions.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, TelegramError, TimedOut

from bot.config import RedactingFilter
from bot.telegram.sending.failures import Failure, classify
from bot.telegram.sending.http import TelegramHTTP
from bot.telegram.sending.marks import before_send

TOKEN = "123456:SECRET-token-never-logged"
OK_MESSAGE = {
    "ok": True,
    "result": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "hi"},
}
Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """Headers and body of one HTTP/1.1 request."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        ),
        0,
    )
    return head + await reader.readexactly(length)


async def answer(writer: asyncio.StreamWriter, payload: object) -> None:
    body = json.dumps(payload).encode()
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    await writer.drain()


@asynccontextmanager
async def server(serve: Serve) -> AsyncIterator[str]:
    """A one-purpose HTTP server; yields the Bot API base URL. Closes what it opened."""
    handlers: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            await serve(reader, writer)
        finally:
            writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        srv.close()
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await srv.wait_closed()


@asynccontextmanager
async def bot_at(base_url: str, read_s: float = 5.0) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, base_url=base_url, request=TelegramHTTP(4, timeout=read_s))
    await bot._request[1].initialize()  # no getMe: the servers here answer one method
    try:
        yield bot
    finally:
        await bot._request[1].shutdown()


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def failure_of(base_url: str, read_s: float = 5.0) -> TelegramError:
    async with bot_at(base_url, read_s) as bot:
        with pytest.raises(TelegramError) as caught:
            await bot.send_message(5, "hi")
    return caught.value


async def test_a_request_that_gets_an_answer_returns_it() -> None:
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        await answer(writer, OK_MESSAGE)

    async with server(serve) as url, bot_at(url) as bot:
        message = await bot.send_message(5, "hi <b>there</b>", parse_mode="HTML")
    assert message.text == "hi"
    assert b"text=hi+%3Cb%3Ethere%3C%2Fb%3E" in seen[0], "form fields as PTB encodes them"


async def test_a_file_goes_as_a_multipart_form() -> None:
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await read_request(reader))
        await answer(writer, {**OK_MESSAGE, "result": {**OK_MESSAGE["result"], "text": None}})

    async with server(serve) as url, bot_at(url) as bot:
        await bot.send_document(5, InputFile(b'{"a": 1}', filename="mydata.json"), caption="x")
    assert b"multipart/form-data" in seen[0]
    assert b'filename="mydata.json"' in seen[0] and b'{"a": 1}' in seen[0]
    assert b'name="caption"' in seen[0]


async def test_a_refused_connection_never_left_and_is_retried() -> None:
    error = await failure_of(f"http://127.0.0.1:{unused_port()}/bot")
    assert isinstance(error, NetworkError)
    assert classify(error) is Failure.RETRY


async def test_a_connection_cut_after_the_request_may_have_arrived() -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)  # then closed: Telegram may have acted on it

    async with server(serve) as url:
        error = await failure_of(url)
    assert classify(error) is Failure.UNCERTAIN


async def test_no_answer_in_time_is_a_timeout_that_may_have_arrived() -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    async with server(serve) as url:
        error = await failure_of(url, read_s=0.3)
    assert isinstance(error, TimedOut)
    assert classify(error) is Failure.UNCERTAIN


async def test_errors_never_carry_the_token() -> None:
    error = await failure_of(f"http://127.0.0.1:{unused_port()}/bot")
    assert "SECRET" not in str(error) and "SECRET" not in repr(error.__cause__ or "")


async def test_an_error_that_names_the_url_is_scrubbed_and_its_traceback_redacted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    error = await failure_of("http://127.0.0.1:99999/bot")  # aiohttp quotes the whole URL
    assert "SECRET" not in str(error) and "<Bot API URL>" in str(error)
    assert "SECRET" in str(error.__cause__), "the cause still has it: logs must redact it"
    logger = logging.getLogger("test.telegram_http")
    logger.addFilter(RedactingFilter([TOKEN]))
    try:
        with caplog.at_level(logging.ERROR):
            try:
                raise error
            except TelegramError:
                logger.exception("send failed")
    finally:
        logger.filters.clear()
    logged = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "InvalidUrlClientError" in logged and "SECRET" not in logged


async def test_the_hook_runs_once_a_connection_is_ours_and_requests_wait_their_turn() -> None:
    in_flight = 0
    most = 0
    marks: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal in_flight, most
        while not reader.at_eof():
            try:
                await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            in_flight += 1
            most = max(most, in_flight)
            await asyncio.sleep(0.02)
            in_flight -= 1
            await answer(writer, OK_MESSAGE)

    async with server(serve) as url, bot_at(url) as bot:

        async def one(n: int) -> None:
            async def mark() -> None:
                marks.append(n)

            with before_send(mark):
                await bot.send_message(5, "hi")

        await asyncio.gather(*(one(n) for n in range(12)))
    assert sorted(marks) == list(range(12)), "one mark per request"
    assert most <= 4, "no more requests in flight than connections"
