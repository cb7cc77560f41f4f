"""Noticing when a learner blocks the bot, so we stop sending until they /start."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler

from bot.telegram.context import AttuneApplication, AttuneContext

GONE = (ChatMember.BANNED, ChatMember.LEFT)


async def on_my_chat_member(update: Update, context: AttuneContext) -> None:
    """A private chat's ``kicked`` status means the learner blocked us."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    if change.new_chat_member.status in GONE:
        await context.write(context.services.learners.mark_blocked, change.from_user.id)


def register(application: AttuneApplication) -> None:
    """The bot being blocked, unblocked, added to or removed from a chat."""
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
