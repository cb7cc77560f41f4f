"""Shared constants and the small stand-in bot the Application fixture runs.

The handlers: /start answers with an inline keyboard, a button press is answered and
edits the message, /quiz sends a non-anonymous quiz, and poll answers / my_chat_member
updates are recorded in ``bot_data["events"]``.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ContextTypes

from bot.emulator import BotApiEmulator, EmulatorClient

AnyApp = Application[Any, Any, Any, Any, Any, Any]
TOKEN = "123456:TEST-token"
USER = 42
OTHER_USER = 43
TOPICS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Trauma-informed care", callback_data="topic:trauma"),
            InlineKeyboardButton("Burnout prevention", callback_data="topic:burnout"),
        ]
    ]
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Pick a topic:", reply_markup=TOPICS)


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    topic = query.data.split(":", 1)[1]
    await query.answer(f"Saved {topic}")
    await query.edit_message_text(f"You chose <b>{topic}</b>.", parse_mode="HTML")


async def quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await context.bot.send_poll(
        update.effective_chat.id,
        "Which is a grounding technique?",
        ["5-4-3-2-1 senses", "Skipping lunch"],
        type="quiz",
        correct_option_ids=[0],
        is_anonymous=False,
        explanation="Naming what you sense anchors you in the present.",
    )


async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    context.bot_data.setdefault("events", []).append(update)


async def handled(emulator: BotApiEmulator | EmulatorClient, app: AnyApp) -> None:
    """The Application has fetched every update and its handlers are done.

    The emulator knows when the bot has an update; only the Application knows when its
    handlers have returned (``update_queue.join``).
    """
    await emulator.wait_until_delivered()
    await app.update_queue.join()
