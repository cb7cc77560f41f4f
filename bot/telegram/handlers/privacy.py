"""/mydata and /deletemydata: the learner's data belongs to the learner.

Erasing never leaves a team without a facilitator: the only facilitator of a team with
others in it is asked to hand over or close it first (``teams.hand_over_first``).
"""

from __future__ import annotations

import asyncio
import json

from telegram import Update

from bot.services.privacy import PrivacyProblem
from bot.telegram import keyboards, routes, texts
from bot.telegram.context import AttuneApplication, AttuneContext, add_buttons, add_commands
from bot.telegram.handlers import steps, teams


async def my_data(update: Update, context: AttuneContext) -> None:
    """Send a JSON file of everything stored about the sender."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    data = await context.read(context.services.privacy.export, user.id)
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
    if await context.read(context.services.learners.get, user.id) is None:
        await message.reply_text(texts.NOTHING_STORED)
        return
    if await teams.hand_over_first(context, message.chat_id, user.id, erasing=True):
        return
    sole = await context.read(context.services.teams.sole_facilitations, user.id)
    alone_in = [team.name for team in sole if not team.others]
    text = texts.CONFIRM_DELETE + (texts.closes_with_you(alone_in) if alone_in else "")
    await message.reply_text(text, reply_markup=keyboards.delete_keyboard())


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
    try:
        erased = await asyncio.to_thread(context.services.privacy.erase, user_id)
    except PrivacyProblem:  # someone joined a team they were alone in: hand over first
        await teams.hand_over_first(context, user_id, user_id, erasing=True)
        return
    await context.bot.send_message(user_id, texts.DELETED if erased else texts.NOTHING_STORED)


def register(application: AttuneApplication) -> None:
    """/mydata, /deletemydata and the confirmation buttons."""
    add_commands(application, {"mydata": my_data, "deletemydata": delete_my_data})
    add_buttons(application, on_confirm, routes.ConfirmErase)
