"""A round-robin reverse proxy in front of webhook workers, as Caddy or nginx would be.

Telegram knows one webhook URL; the proxy spreads its POSTs over the workers in turn and,
like Caddy's ``lb_try_duration`` or nginx's ``proxy_next_upstream error``, tries the
next worker when one refuses the connection (it was killed and is starting again). Only
when no worker answers does Telegram see a failure (502), and then it re-sends the
update later, as it does for any webhook error.

It counts what each worker answered, so a test can show that both served learners.
"""

from __future__ import annotations

import itertools
from collections import Counter

import aiohttp
from aiohttp import web

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


class RoundRobinProxy:
    """Listens on 127.0.0.1:``port`` (0: any free port) and forwards every request."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends  # base URLs such as http://127.0.0.1:8081
        self.served: Counter[str] = Counter()  # backend -> requests it answered
        self._turn = itertools.cycle(range(len(backends)))
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    async def start(self, port: int = 0) -> None:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()
        self._runner = self._session = None

    async def _forward(self, request: web.Request) -> web.Response:
        """Send the request to the next backend; on a refused connection, to the one after."""
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        first = next(self._turn)
        for offset in range(len(self.backends)):
            backend = self.backends[(first + offset) % len(self.backends)]
            try:
                async with self._session.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as answer:
                    self.served[backend] += 1
                    return web.Response(status=answer.status, body=await answer.read())
            except aiohttp.ClientConnectionError:
                # Refused, or dropped mid-request by a killed worker: nothing was answered,
                # so the update may or may not have been taken; the next worker decides.
                continue
        return web.Response(status=502, text="no worker answered")
