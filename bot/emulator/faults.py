"""Injected failures: make chosen Bot API calls fail the way Telegram sometimes does.

Tests use these to prove the bot survives flood control (429 + retry_after), server
errors (5xx, which PTB turns into NetworkError) and surprise 403s.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.emulator.errors import ApiError

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected fault",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Fault:
    """Fail the next ``times`` matching calls (``times=None``: until cleared)."""

    method: str = "*"
    chat_id: int | None = None
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    times: int | None = 1

    def matches(self, method: str, chat_id: int | None) -> bool:
        method_ok = self.method in ("*", method)
        chat_ok = self.chat_id is None or self.chat_id == chat_id
        return method_ok and chat_ok and (self.times is None or self.times > 0)

    def to_error(self) -> ApiError:
        retry_after = self.retry_after
        if self.status == 429 and retry_after is None:
            retry_after = 1
        template = self.description or DEFAULT_DESCRIPTIONS.get(self.status, "Injected fault")
        return ApiError(self.status, template.format(retry_after=retry_after), retry_after)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultSet:
    """The active faults, consumed in the order they were added."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str, chat_id: int | None) -> ApiError | None:
        """The error to answer with for this call, using up one shot of the fault."""
        for fault in self.faults:
            if fault.matches(method, chat_id):
                if fault.times is not None:
                    fault.times -= 1
                return fault.to_error()
        self.faults = [f for f in self.faults if f.times is None or f.times > 0]
        return None
