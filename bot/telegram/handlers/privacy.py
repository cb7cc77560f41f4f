"""/mydata and /deletemydata: the learner's data belongs to the learner."""

from __future__ import annotations

import asyncio
import json

from telegram import Update

from bot.telegram import keyboards, routes, texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_buttons, add_commands
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
    await message.reply_text(texts.CONFIRM_DELETE, reply_markup=keyboards.delete_keyboard())


async def on_confirm(update: Update, context: AttuneContext) -> None:
    """The answer to the delete question."""
    query = update.callback_query
    route = routes.decode(query.data if query else None)
    if query is None or not isinstance(route, routes.ConfirmErase):
        return
    await query.answer()
    await steps.clear_buttons(query)
    user_id = query.from_user.id
    if not route.erase:
        await context.bot.send_message(user_id, texts.KEPT)
        return
    erased = await asyncio.to_thread(context.services.privacy.erase, user_id)
    await context.bot.send_message(user_id, texts.DELETED if erased else texts.NOTHING_STORED)


def register(application: AttuneApplication) -> None:
    """/mydata, /deletemydata and the confirmation buttons."""
    add_commands(application, {"mydata": my_data, "deletemydata": delete_my_data})
    add_buttons(application, on_confirm, routes.ConfirmErase)
