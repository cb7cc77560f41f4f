"""/mydata and /deletemydata: the learner's data belongs to the learner."""

from __future__ import annotations

import json

from telegram import Update
from telegram.constants import ParseMode

from bot.telegram import keyboards, texts
from bot.telegram.context import AttuneContext
from bot.telegram.handlers import steps


async def my_data(update: Update, context: AttuneContext) -> None:
    """Send a JSON file of everything stored about the sender."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    data = context.services.privacy.export(user.id)
    if data is None:
        await message.reply_text(texts.NOTHING_STORED)
        return
    payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
    await message.reply_document(payload, filename="attune-my-data.json", caption=texts.MY_DATA)


async def delete_my_data(update: Update, context: AttuneContext) -> None:
    """Ask before erasing: the one action that cannot be undone."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    if context.services.learners.get(user.id) is None:
        await message.reply_text(texts.NOTHING_STORED)
        return
    await message.reply_text(
        texts.CONFIRM_DELETE, parse_mode=ParseMode.HTML, reply_markup=keyboards.delete_keyboard()
    )


async def on_confirm(update: Update, context: AttuneContext, kind: str) -> None:
    """The answer to the delete question."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await steps.clear_buttons(query)
    user_id = query.from_user.id
    if kind == "privacy_keep":
        await context.bot.send_message(user_id, texts.KEPT)
        return
    erased = context.services.privacy.erase(user_id)
    await context.bot.send_message(user_id, texts.DELETED if erased else texts.NOTHING_STORED)
