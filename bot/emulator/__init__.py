"""A small Telegram Bot API emulator that the real python-telegram-bot talks to over HTTP.

It stands in for Telegram in end-to-end tests and in ``attune demo``, so it imports
nothing from the rest of ``bot``. Start with ``BotApiEmulator`` (in-process) or
``EmulatorClient`` (control an emulator running in another process).

Example::

    async with BotApiEmulator("123:TOKEN") as emu:
        emu.add_user(42, "Ann")
        app = ApplicationBuilder().token("123:TOKEN").base_url(emu.base_url).build()
        ...  # initialize, start, app.updater.start_polling(poll_interval=0, timeout=1)
        emu.send_message(42, "/start")
        [reply] = await emu.wait_for_bot_messages(42, 1)
        emu.press_button(42, reply.message_id, "topic:trauma")
        await emu.wait_until_delivered()  # the bot has the update...
        await app.update_queue.join()  # ...and its handlers are done
"""

from bot.emulator.client import EmulatorClient
from bot.emulator.emulator import BotApiEmulator
from bot.emulator.errors import ApiError, EmulatorError
from bot.emulator.models import (
    CallbackAnswer,
    Download,
    PollState,
    RequestRecord,
    StoredMessage,
)

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "CallbackAnswer",
    "Download",
    "EmulatorClient",
    "EmulatorError",
    "PollState",
    "RequestRecord",
    "StoredMessage",
]
