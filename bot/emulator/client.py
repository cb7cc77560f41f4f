"""``EmulatorClient``: the emulator's control operations over HTTP.

Same method names and return types as ``BotApiEmulator``, but every call is async, so
tests and ``attune demo`` can drive an emulator (and a bot) running in another process.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx

from bot.emulator.errors import EmulatorError
from bot.emulator.models import (
    JSON,
    CallbackAnswer,
    Download,
    PollState,
    RequestRecord,
    StoredMessage,
)

REQUEST_TIMEOUT = 10.0


class EmulatorClient:
    """Async client for ``POST <control_url>/<op>``."""

    def __init__(self, control_url: str) -> None:
        self.control_url = control_url.rstrip("/")
        self._http = httpx.AsyncClient(timeout=REQUEST_TIMEOUT)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def call(self, op: str, wait: float = 0.0, **kwargs: Any) -> Any:
        """Run one control op; EmulatorError / TimeoutError mirror the in-process API."""
        response = await self._http.post(
            f"{self.control_url}/{op}", json=kwargs, timeout=REQUEST_TIMEOUT + wait
        )
        body = response.json()
        if response.status_code == 408:
            raise TimeoutError(body["description"])
        if not body.get("ok"):
            raise EmulatorError(body.get("description", f"HTTP {response.status_code}"))
        return body["result"]

    # -- the user side ------------------------------------------------------------------
    async def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSON:
        return await self.call(
            "add_user",
            user_id=user_id,
            first_name=first_name,
            username=username,
            language_code=language_code,
        )

    async def send_message(
        self, user_id: int, text: str, chat_id: int | None = None
    ) -> StoredMessage:
        result = await self.call("send_message", user_id=user_id, text=text, chat_id=chat_id)
        return StoredMessage.from_dict(result)

    async def press_button(
        self,
        user_id: int,
        message_id: int,
        callback_data: str,
        chat_id: int | None = None,
        check: bool = True,
    ) -> str:
        return await self.call(
            "press_button",
            user_id=user_id,
            message_id=message_id,
            callback_data=callback_data,
            chat_id=chat_id,
            check=check,
        )

    async def answer_poll(
        self, user_id: int, poll_id: str, option_ids: list[int], force: bool = False
    ) -> JSON | None:
        return await self.call(
            "answer_poll", user_id=user_id, poll_id=poll_id, option_ids=option_ids, force=force
        )

    async def react(
        self, user_id: int, message_id: int, emoji: str, chat_id: int | None = None
    ) -> JSON:
        return await self.call(
            "react", user_id=user_id, message_id=message_id, emoji=emoji, chat_id=chat_id
        )

    async def block_bot(self, user_id: int) -> JSON:
        return await self.call("block_bot", user_id=user_id)

    async def unblock_bot(self, user_id: int) -> JSON:
        return await self.call("unblock_bot", user_id=user_id)

    async def create_group(
        self, chat_id: int, title: str, member_ids: list[int], bot_is_member: bool = True
    ) -> JSON:
        return await self.call(
            "create_group",
            chat_id=chat_id,
            title=title,
            member_ids=member_ids,
            bot_is_member=bot_is_member,
        )

    async def add_bot_to_group(self, chat_id: int, by_user_id: int) -> JSON:
        return await self.call("add_bot_to_group", chat_id=chat_id, by_user_id=by_user_id)

    async def remove_bot_from_group(self, chat_id: int, by_user_id: int) -> JSON:
        return await self.call("remove_bot_from_group", chat_id=chat_id, by_user_id=by_user_id)

    async def delete_chat(self, chat_id: int) -> None:
        await self.call("delete_chat", chat_id=chat_id)

    # -- faults and network ---------------------------------------------------------------
    async def add_fault(
        self,
        method: str = "*",
        chat_id: int | None = None,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
    ) -> JSON:
        return await self.call(
            "add_fault",
            method=method,
            chat_id=chat_id,
            status=status,
            description=description,
            retry_after=retry_after,
            times=times,
        )

    async def clear_faults(self) -> None:
        await self.call("clear_faults")

    async def set_latency(self, seconds: float, method: str | None = None) -> None:
        await self.call("set_latency", seconds=seconds, method=method)

    async def pause(self, seconds: float | None = None) -> None:
        await self.call("pause", seconds=seconds)

    async def resume(self) -> None:
        await self.call("resume")

    async def info(self) -> JSON:
        return await self.call("info")

    # -- reading ------------------------------------------------------------------------
    async def messages(self, chat_id: int) -> list[StoredMessage]:
        return [StoredMessage.from_dict(m) for m in await self.call("messages", chat_id=chat_id)]

    async def bot_messages(self, chat_id: int) -> list[StoredMessage]:
        found = await self.call("bot_messages", chat_id=chat_id)
        return [StoredMessage.from_dict(m) for m in found]

    async def last_bot_message(self, chat_id: int) -> StoredMessage | None:
        found = await self.call("last_bot_message", chat_id=chat_id)
        return None if found is None else StoredMessage.from_dict(found)

    async def polls(self) -> list[PollState]:
        return [PollState.from_dict(p) for p in await self.call("polls")]

    async def poll(self, poll_id: str) -> PollState:
        return PollState.from_dict(await self.call("poll", poll_id=poll_id))

    async def callback_answers(self) -> list[CallbackAnswer]:
        return [CallbackAnswer.from_dict(a) for a in await self.call("callback_answers")]

    async def download(self, file_id: str) -> Download:
        return Download.from_dict(await self.call("download", file_id=file_id))

    async def commands(self) -> dict[str, list[JSON]]:
        return await self.call("commands")

    async def requests(self, method: str | None = None) -> list[RequestRecord]:
        found = await self.call("requests", method=method)
        return [RequestRecord.from_dict(r) for r in found]

    # -- waiting ------------------------------------------------------------------------
    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5,  # noqa: ASYNC109 (public API)
    ) -> list[StoredMessage]:
        found = await self.call(
            "wait_for_bot_messages", wait=timeout, chat_id=chat_id, count=count, timeout=timeout
        )
        return [StoredMessage.from_dict(m) for m in found]

    async def wait_until_delivered(self, timeout: float = 5) -> None:  # noqa: ASYNC109
        await self.call("wait_until_delivered", wait=timeout, timeout=timeout)
