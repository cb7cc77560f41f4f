"""Answer distress first: a message that may come from someone in crisis gets resources.

Every free-text path (a typed answer, a caption, anything unexpected) asks this module
before doing anything else, so no crisis message is ever met by a generic fallback.
"""

from __future__ import annotations

from telegram import Message

from bot.telegram import texts
from bot.telegram.context import AttuneContext


async def answered_distress(
    message: Message, context: AttuneContext, text: str | None, zone: str | None
) -> bool:
    """Reply with crisis resources when ``text`` suggests crisis; say whether we did."""
    safety = context.services.safety
    if not text or not safety.suggests_crisis(text):
        return False
    resources = safety.resources_for_zone(zone)
    await message.reply_text(texts.crisis_reply(resources))
    return True
