"""The bot's HTTP client for the Bot API: aiohttp behind PTB's ``BaseRequest``.

PTB's default client is httpx. On the machine the benchmarks run on, one ``sendMessage``
through it costs about 3.1 ms of CPU, most of it in httpcore's connection-pool
bookkeeping; through aiohttp (already ours: the emulator serves with it) it costs about
0.9 ms. Every lesson part, every "day complete" and every ``getUpdates`` is one such
request, so the client decides how many learners one process can serve
(``bench/fanout.py``, ``bench/answers.py``).

Two more jobs live here because only the HTTP layer can do them:

* ``before_send`` hooks (``bot.telegram.sending.marks``) run once a connection is ours, after the
  rate limiter's wait, as close to the wire as we can get;
* failures are sorted into "never left us" (``NEVER_SENT``) and "may have arrived",
  which ``bot.telegram.sending.failures`` reads to keep sending at most once.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import aiohttp
import certifi
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.metrics import Metrics
from bot.telegram.sending.marks import run_before_send

# Raised before any byte of the request left: refused, unreachable, or no connection in time.
NEVER_SENT: tuple[type[Exception], ...] = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
)
# Everything the client can raise for a request that failed on the way (PTB wraps it).
TRANSPORT_ERRORS: tuple[type[Exception], ...] = (aiohttp.ClientError,)

# Bot API methods that put a message in a chat: what ``attune_messages_sent_total`` counts.
MESSAGE_METHODS = ("send", "copyMessage", "forwardMessage")

DEFAULT_TIMEOUT = 5.0  # seconds to connect and between reads, as PTB's own default


class TelegramHTTP(BaseRequest):
    """PTB's request interface over one ``aiohttp.ClientSession``.

    At most ``connection_pool_size`` requests run at once; the rest wait in an
    ``asyncio.Semaphore`` (no pool timeout: a queued lesson part waits its turn rather
    than fail). aiohttp has no write timeout; bodies here are small.
    """

    def __init__(
        self,
        connection_pool_size: int = 1,
        timeout: float = DEFAULT_TIMEOUT,
        metrics: Metrics | None = None,
    ) -> None:
        self._size = connection_pool_size
        self._timeout = timeout
        self._metrics = metrics
        self._free_connections = asyncio.Semaphore(connection_pool_size)
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        """PTB adds this to ``getUpdates``' long-poll timeout."""
        return self._timeout

    async def initialize(self) -> None:
        """Open the session inside the running event loop, as aiohttp requires."""
        if self._session is None or self._session.closed:
            tls = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(limit=self._size, ssl=tls)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; map failures to PTB's errors with the cause attached."""
        if self._session is None or self._session.closed:
            raise RuntimeError("TelegramHTTP is not initialized")
        timeout = aiohttp.ClientTimeout(
            sock_connect=self._or_default(connect_timeout),
            sock_read=self._or_default(read_timeout),
        )
        async with self._free_connections:
            await run_before_send()
            status = 0  # no answer: the request failed on the way
            try:
                async with self._session.request(
                    method,
                    url,
                    data=_body(request_data),
                    headers={"User-Agent": self.USER_AGENT},
                    timeout=timeout,
                ) as response:
                    status = response.status
                    return status, await response.read()
            except aiohttp.ServerTimeoutError as error:
                raise TimedOut(_described(error, url)) from error
            except aiohttp.ClientError as error:
                raise NetworkError(_described(error, url)) from error
            finally:
                self._count(url, status)

    def _count(self, url: str, status: int) -> None:
        """Count a message the bot sent (``send*``, copies, forwards) by method and outcome."""
        endpoint = url.rsplit("/", 1)[-1]
        is_message = endpoint.startswith(MESSAGE_METHODS) and endpoint != "sendChatAction"
        if self._metrics is not None and is_message:
            self._metrics.messages.labels(method=endpoint, outcome=outcome_of(status)).inc()

    def _or_default(self, value: Any) -> float | None:
        return self._timeout if value is BaseRequest.DEFAULT_NONE else value


def outcome_of(status: int) -> str:
    """A Bot API answer's HTTP status as a metric label."""
    if status == 0:
        return "no_answer"
    if status == 200:
        return "ok"
    if status == 429:
        return "rate_limited"
    if status == 403:
        return "blocked"
    return "refused" if status < 500 else "server_error"


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields as PTB encodes them; a multipart form when there are files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form


def _described(error: Exception, url: str) -> str:
    """The error for logs, without the URL: it holds the bot's token."""
    return f"aiohttp.{type(error).__name__}: {error}".replace(url, "<Bot API URL>")
