"""What people do in their Telegram app, through the emulator: write, tap, vote, react.

The simulated colleagues (and the demo's setup) use only these gestures, the same ones
a person at the terminal makes, so everything they do goes through the bot's public
interface and never around it. Each gesture waits until the bot has handled it.
"""

from __future__ import annotations

from bot.demo.stage import Stage
from bot.emulator import EmulatorError, StoredMessage


class Hands:
    """Gestures of any user, each settled before it returns."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.emulator = stage.emulator

    async def say(self, user_id: int, text: str, chat_id: int | None = None) -> str:
        """Send ``text`` (in a group with ``chat_id``); the bot's replies as one text."""
        chat = user_id if chat_id is None else chat_id
        before = len(self.emulator.bot_messages(chat))
        self.emulator.send_message(user_id, text, chat_id)
        await self.stage.settle()
        return "\n".join(text_of(m) for m in self.emulator.bot_messages(chat)[before:])

    async def tap(self, user_id: int, label: str) -> None:
        """Press the newest button in the user's chat whose label starts with ``label``."""
        for message in reversed(self.emulator.bot_messages(user_id)):
            for row in message.buttons:
                for button in row:
                    if button.get("text", "").startswith(label) and "callback_data" in button:
                        self.emulator.press_button(
                            user_id, message.message_id, button["callback_data"]
                        )
                        await self.stage.settle()
                        return
        raise EmulatorError(f"no button {label!r} in the chat of {user_id}")

    async def vote(self, user_id: int, choices: dict[str, int]) -> None:
        """Answer several polls in a row (poll id: option), as fast thumbs do."""
        for poll_id, option in choices.items():
            self.emulator.answer_poll(user_id, poll_id, [option])
        await self.stage.settle()

    async def react(self, user_id: int, message_id: int, emoji: str) -> None:
        self.emulator.react(user_id, message_id, emoji)
        await self.stage.settle()


def text_of(message: StoredMessage) -> str:
    """A message's readable text: text, caption, or the poll question."""
    if message.poll is not None:
        return f"[quiz] {message.poll['question']}"
    return message.text or message.caption or ""
