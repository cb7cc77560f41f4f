"""Many concurrent senders, one transaction: each waits until its own record is written.

Every lesson part is recorded before and after its request, so a crash can neither repeat
it nor forget it. With dozens of sends in flight, committing each record alone cost more
CPU than the sending itself (``bench/fanout.py``); records that arrive while a write is
running join the next one instead, and every caller still waits for durability.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """Batches ``record`` calls into calls of ``write`` (a blocking function, run in a thread).

    ``write`` may return the items it refused to write (a row this worker no longer owns).
    """

    def __init__(self, write: Callable[[list[T]], Collection[T] | None]) -> None:
        self._write = write
        self._pending: list[tuple[T, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, item: T) -> bool:
        """Return once ``item`` is committed, ``False`` if it was refused; raise what the
        write raised."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            await asyncio.sleep(0)  # let the other senders of this moment join the batch
            batch, self._pending = self._pending, []
            try:
                refused = await asyncio.to_thread(self._write, [item for item, _ in batch])
            except Exception as error:  # noqa: BLE001  (handed to every waiting caller)
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
            else:
                for item, future in batch:
                    if not future.done():
                        future.set_result(not refused or item not in refused)
